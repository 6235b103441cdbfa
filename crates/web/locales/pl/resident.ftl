# Mina sidor: the residents' pages. Plain language: short sentences, informal "you" (Ty).
# Every message here exists in every resident language (a test checks it).

## The frame of every page
ms-brand = Moje strony (Mina sidor)
ms-skip = Przejdź do treści
ms-nav = Menu
ms-languages = Język
ms-language-choose = Wybierz język
ms-my-cases = Moje sprawy
ms-start-case = Zgłoś sprawę
ms-logout = Wyloguj się
ms-logged-in-email = Zalogowano kodem wysłanym na Twój e-mail.
ms-logged-in-sms = Zalogowano kodem wysłanym na Twój telefon komórkowy.
ms-logged-in-eid = Zalogowano e-identyfikatorem.
ms-logged-in-case = Śledzisz sprawę za pomocą numeru sprawy i kodu.
ms-contact-title = Inne sposoby kontaktu z nami
ms-contact-phone = Zadzwoń do centrum obsługi: 08-508 000 00
ms-contact-text-phone = Telefon tekstowy: zadzwoń pod numer 08-508 000 00 przez Texttelefoni.se
ms-contact-email = E-mail: kontaktcenter@stockholm.se
ms-privacy = Tylko Ty widzisz tutaj swoje sprawy. Zapisujemy każde wyświetlenie sprawy.

## Log in
ms-login-title = Zaloguj się do Moich stron
ms-login-intro = Tutaj śledzisz swoje sprawy w urzędzie miasta. Możesz też do nas napisać i wysłać dokumenty.
ms-eid-title = Za pomocą e-identyfikatora
ms-eid-text = Użyj BankID lub Freja eID. Wtedy zobaczysz wszystkie swoje sprawy.
ms-eid-button = Zaloguj się e-identyfikatorem
ms-code-title = Za pomocą kodu na e-mail lub telefon
ms-code-text = Wyślemy kod na Twój e-mail lub telefon komórkowy. Zobaczysz sprawy, w których podano właśnie ten adres lub numer.
ms-code-address = Adres e-mail lub numer komórkowy
ms-code-address-hint = Na przykład imie@przyklad.pl lub 070-123 45 67
ms-code-send = Wyślij kod
ms-follow-title = Śledź sprawę bez logowania
ms-follow-text = Potrzebujesz numeru sprawy i kodu z potwierdzenia, które Ci wysłaliśmy.
ms-follow-number = Numer sprawy
ms-follow-number-hint = Na przykład KC-2026-000123
ms-follow-token = Kod z potwierdzenia
ms-follow-token-hint = 12 znaków, na przykład ABCD-EFGH-JKMN
ms-follow-button = Pokaż sprawę
ms-logged-out = Wylogowano.

## The code
ms-code-sent-title = Wpisz kod
ms-code-sent-email = Wysłaliśmy kod na Twój e-mail. Kod jest ważny przez { $minutes } min.
ms-code-sent-sms = Wysłaliśmy kod na Twój telefon. Kod jest ważny przez { $minutes } min.
ms-code-label = Kod (6 cyfr)
ms-code-button = Zaloguj się
ms-code-again = Nie masz kodu? Poproś o nowy kod.
ms-code-message-subject = Twój kod do Moich stron
ms-code-message-body = Twój kod do Moich stron to { $code }. Kod jest ważny przez { $minutes } min. Jeśli to nie Twoja prośba o kod, zignoruj tę wiadomość.
ms-code-sms = { $code } to Twój kod do Moich stron. Kod jest ważny przez { $minutes } min.

## Errors
ms-error-title = Coś trzeba poprawić
ms-error-address = Wpisz adres e-mail lub numer komórkowy.
ms-error-too-many = Wysłaliśmy już wiele kodów na ten adres. Poczekaj godzinę i spróbuj ponownie albo zadzwoń do nas.
ms-error-code-format = Kod ma 6 cyfr.
ms-error-code-wrong = Kod jest błędny. Pozostałe próby: { $left }.
ms-error-code-expired = Kod nie jest już ważny. Poproś o nowy kod.
ms-error-follow = Numer sprawy i kod do siebie nie pasują. Sprawdź potwierdzenie i spróbuj ponownie.
ms-error-follow-format = Wpisz numer sprawy tak jak w potwierdzeniu, na przykład KC-2026-000123, oraz 12-znakowy kod.
ms-error-session = Nie zalogowano się albo minęło za dużo czasu. Zaloguj się ponownie.
ms-error-not-found = Nie znajdujemy takiej sprawy wśród Twoich spraw.
ms-error-closed = Sprawa jest zakończona. Zgłoś nową sprawę, jeśli potrzebujesz więcej pomocy.
ms-error-failed = Nie udało się teraz zapisać. Spróbuj ponownie za chwilę.
ms-error-slow-down = Było już wiele prób. Poczekaj chwilę i spróbuj ponownie.
ms-error-eid = Nie udało się zalogować e-identyfikatorem. Spróbuj ponownie.
ms-error-message-empty = Napisz wiadomość lub wybierz plik.
ms-error-message-long = Wiadomość jest za długa.
ms-error-files = Możesz wysłać najwyżej 3 pliki naraz. Każdy plik może mieć najwyżej 10 MB.
ms-error-phone = Wpisz numer telefonu, na przykład 070-123 45 67.
ms-error-when = Napisz krócej, najwyżej 200 znaków.
ms-error-channel = To niemożliwe. W sprawie nie ma takiego adresu. Zamiast tego wpisz adres w wiadomości.
ms-error-back = Wróć

## My cases
ms-cases-none = Przy tym logowaniu nie masz u nas żadnych spraw.
ms-cases-count = Liczba spraw: { $count }
ms-cases-open = Sprawy w toku
ms-cases-closed = Sprawy zakończone
ms-col-number = Numer sprawy
ms-col-what = Sprawa
ms-col-status = Stan sprawy
ms-col-by = Odpowiedź najpóźniej
ms-col-updated = Ostatnia zmiana

## One case
ms-case-title = Sprawa { $number }
ms-back-to-cases = Wróć do moich spraw
ms-feedback-now = Odpowiedź dostaniesz przez: { $channel }
ms-channel-email = e-mail
ms-channel-sms = SMS
ms-channel-phone = telefon
ms-channel-letter = list
ms-channel-none = nic nie wybrano
ms-documents = Dokumenty
ms-message-title = Napisz do nas
ms-message-text = Wiadomość
ms-message-files = Dołącz dokumenty lub zdjęcia (jeśli chcesz)
ms-message-files-hint = Najwyżej 3 pliki. Każdy plik może mieć najwyżej 10 MB.
ms-message-send = Wyślij
ms-message-sent = Dziękujemy! Wszystko do nas dotarło.
ms-feedback-title = Jak chcesz dostać odpowiedź?
ms-feedback-save = Zapisz
ms-feedback-saved = Teraz dostaniesz odpowiedź w nowy sposób.
ms-callback-title = Poproś o telefon
ms-callback-text = Wolisz z nami porozmawiać? Wpisz swój numer, a zadzwonimy do Ciebie.
ms-callback-phone = Numer telefonu
ms-callback-when = Kiedy Ci pasuje? (jeśli chcesz)
ms-callback-when-hint = Na przykład: w dni robocze po godzinie 15
ms-callback-send = Poproś o telefon od nas
ms-callback-sent = Dziękujemy! Zadzwonimy do Ciebie.
ms-closed-note = Sprawa jest zakończona. Nie możesz tu nic dodać. Zgłoś nową sprawę, jeśli potrzebujesz więcej pomocy.

## Start a case
ms-start-intro = Wybierz to, co Ci odpowiada.
ms-start-eservices = E-usługi: zgłoś usterkę, złóż wniosek lub zadaj pytanie
ms-start-assistant = Zadaj pytanie naszemu asystentowi internetowemu
ms-start-call = Możesz też do nas zadzwonić: 08-508 000 00.

## The case as the resident sees it (also in the officer's "resident view")
resident-case = Sprawa
resident-status = Stan sprawy
resident-feedback-by = Odpowiedź dostaniesz najpóźniej
resident-about = Czego dotyczy
resident-timeline = Co się wydarzyło
resident-the-city = urząd miasta
resident-status-registered = Otrzymaliśmy Twoją sprawę.
resident-status-in-progress = Pracujemy nad Twoją sprawą.
resident-status-waiting = Czekamy na Twoją odpowiedź.
resident-status-handed-over = Twoją sprawą zajmuje się teraz: { $to }.
resident-status-closed = Sprawa jest zakończona.
resident-entry-registered = Otrzymaliśmy Twoją sprawę ({ $channel }).
resident-entry-you-wrote = Twoja wiadomość:
resident-entry-we-wrote = Nasza odpowiedź:
resident-entry-document = Otrzymaliśmy dokument { $name }.
resident-entry-closed = Sprawę zakończono.
resident-entry-waiting = Potrzebujemy od Ciebie więcej informacji.
resident-entry-in-progress = Pracujemy nad Twoją sprawą.
resident-entry-handed-over = Sprawę przekazano. Zajmuje się nią: { $to }.
resident-entry-taken-on = Pracownik urzędu zaczął zajmować się Twoją sprawą.
resident-entry-new-date = Odpowiedź dostaniesz najpóźniej { $date }.
resident-entry-feedback-channel = Wybrany sposób odpowiedzi: { $channel }.
resident-entry-callback = Otrzymaliśmy Twoją prośbę o telefon.
resident-via-phone = telefon
resident-via-email = e-mail
resident-via-sms = SMS
resident-via-e-service = e-usługa
resident-via-letter = list
resident-via-visit = wizyta
resident-via-social-media = media społecznościowe
resident-via-chat = czat
resident-via-open311 = aplikacja
