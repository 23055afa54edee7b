"""What runs the program: the instrumentation that watches every task, and the loop it runs on."""
