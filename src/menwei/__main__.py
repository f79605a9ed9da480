from menwei.cli import main

main()
