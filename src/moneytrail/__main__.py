from moneytrail.cli.main import main

main()
