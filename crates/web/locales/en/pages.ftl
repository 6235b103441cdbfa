# Kontakt: login, account administration, log review.
