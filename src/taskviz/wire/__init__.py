"""The one format the stage and its viewers share: the event record and its stream."""
