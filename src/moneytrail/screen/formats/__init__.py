"""One small loader per list layout; :mod:`moneytrail.screen.lists` picks one by content."""
