from taskviz.cli import main

raise SystemExit(main())
