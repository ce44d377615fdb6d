from migc.cli import main

main()
