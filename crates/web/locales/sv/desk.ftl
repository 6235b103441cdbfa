# Kontakt: the desk (start page, quick registration, case card, search).
