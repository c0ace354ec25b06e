from tautrait.cli.app import main

main()
