# Mina sidor: the residents' pages. Plain language: short sentences, informal "you" (sinä).
# Every message here exists in every resident language (a test checks it).

## The frame of every page
ms-brand = Omat sivut (Mina sidor)
ms-skip = Siirry sisältöön
ms-nav = Valikko
ms-languages = Kieli
ms-language-choose = Valitse kieli
ms-my-cases = Omat asiat
ms-start-case = Aloita uusi asia
ms-logout = Kirjaudu ulos
ms-logged-in-email = Olet kirjautunut koodilla, joka lähetettiin sähköpostiisi.
ms-logged-in-sms = Olet kirjautunut koodilla, joka lähetettiin puhelimeesi.
ms-logged-in-eid = Olet kirjautunut sähköisellä tunnistuksella.
ms-logged-in-case = Seuraat asiaa asianumerolla ja koodilla.
ms-contact-title = Muut tavat ottaa meihin yhteyttä
ms-contact-phone = Soita asiakaspalveluun: 08-508 000 00
ms-contact-text-phone = Tekstipuhelin: soita numeroon 08-508 000 00 palvelun Texttelefoni.se kautta
ms-contact-email = Sähköposti: kontaktcenter@stockholm.se
ms-privacy = Vain sinä näet asiasi täällä. Kirjaamme ylös joka kerran, kun asia näytetään.

## Log in
ms-login-title = Kirjaudu Omille sivuille
ms-login-intro = Täällä voit seurata asioitasi kaupungilla. Voit myös kirjoittaa meille ja lähettää asiakirjoja.
ms-eid-title = Sähköisellä tunnistuksella
ms-eid-text = Käytä BankID:tä tai Freja eID:tä. Silloin näet kaikki asiasi.
ms-eid-button = Kirjaudu sähköisellä tunnistuksella
ms-code-title = Koodilla sähköpostiin tai puhelimeen
ms-code-text = Lähetämme koodin sähköpostiisi tai puhelimeesi. Näet ne asiat, joissa olet antanut juuri tämän osoitteen tai numeron.
ms-code-address = Sähköpostiosoite tai matkapuhelinnumero
ms-code-address-hint = Esimerkiksi nimi@esimerkki.fi tai 070-123 45 67
ms-code-send = Lähetä koodi
ms-follow-title = Seuraa asiaa kirjautumatta
ms-follow-text = Tarvitset asianumeron ja koodin vahvistuksesta, jonka lähetimme sinulle.
ms-follow-number = Asianumero
ms-follow-number-hint = Esimerkiksi KC-2026-000123
ms-follow-token = Koodi vahvistuksesta
ms-follow-token-hint = 12 merkkiä, esimerkiksi ABCD-EFGH-JKMN
ms-follow-button = Näytä asia
ms-logged-out = Olet kirjautunut ulos.

## The code
ms-code-sent-title = Kirjoita koodi
ms-code-sent-email = Lähetimme koodin sähköpostiisi. Koodi on voimassa { $minutes } minuuttia.
ms-code-sent-sms = Lähetimme koodin puhelimeesi. Koodi on voimassa { $minutes } minuuttia.
ms-code-label = Koodi (6 numeroa)
ms-code-button = Kirjaudu sisään
ms-code-again = Etkö saanut koodia? Pyydä uusi koodi.
ms-code-message-subject = Koodisi Omille sivuille
ms-code-message-body = Koodisi Omille sivuille on { $code }. Koodi on voimassa { $minutes } minuuttia. Jos et pyytänyt koodia, voit jättää tämän viestin huomiotta.
ms-code-sms = { $code } on koodisi Omille sivuille. Koodi on voimassa { $minutes } minuuttia.

## Errors
ms-error-title = Jotain pitää korjata
ms-error-address = Kirjoita sähköpostiosoite tai matkapuhelinnumero.
ms-error-too-many = Olemme lähettäneet tähän osoitteeseen monta koodia. Odota tunti ja yritä uudelleen, tai soita meille.
ms-error-code-format = Koodissa on 6 numeroa.
ms-error-code-wrong = Koodi on väärä. Yrityksiä jäljellä: { $left }.
ms-error-code-expired = Koodi ei ole enää voimassa. Pyydä uusi koodi.
ms-error-follow = Asianumero ja koodi eivät sovi yhteen. Katso vahvistus ja yritä uudelleen.
ms-error-follow-format = Kirjoita asianumero samalla tavalla kuin vahvistuksessa, esimerkiksi KC-2026-000123, ja 12 merkin koodi.
ms-error-session = Et ole kirjautunut, tai aikaa on kulunut liian paljon. Kirjaudu uudelleen.
ms-error-not-found = Emme löydä tällaista asiaa sinun asioistasi.
ms-error-closed = Asia on suljettu. Aloita uusi asia, jos tarvitset lisää apua.
ms-error-failed = Tallennus ei onnistunut juuri nyt. Yritä hetken päästä uudelleen.
ms-error-slow-down = Olet yrittänyt monta kertaa. Odota hetki ja yritä uudelleen.
ms-error-eid = Kirjautuminen sähköisellä tunnistuksella ei onnistunut. Yritä uudelleen.
ms-error-message-empty = Kirjoita viesti tai valitse tiedosto.
ms-error-message-long = Viesti on liian pitkä.
ms-error-files = Voit lähettää enintään 3 tiedostoa kerralla. Jokainen tiedosto saa olla enintään 10 Mt.
ms-error-phone = Kirjoita puhelinnumero, esimerkiksi 070-123 45 67.
ms-error-when = Kirjoita lyhyemmin, enintään 200 merkkiä.
ms-error-channel = Tämä ei onnistu. Asiassa ei ole tällaista osoitetta. Kirjoita osoite sen sijaan viestiin.
ms-error-back = Takaisin

## My cases
ms-cases-none = Sinulla ei ole meillä asioita tällä kirjautumisella.
ms-cases-count = Asioiden määrä: { $count }
ms-cases-open = Käsittelyssä olevat asiat
ms-cases-closed = Suljetut asiat
ms-col-number = Asianumero
ms-col-what = Asia
ms-col-status = Tilanne
ms-col-by = Vastaus viimeistään
ms-col-updated = Muutettu viimeksi

## One case
ms-case-title = Asia { $number }
ms-back-to-cases = Takaisin omiin asioihin
ms-feedback-now = Saat vastauksen näin: { $channel }
ms-channel-email = sähköposti
ms-channel-sms = tekstiviesti
ms-channel-phone = puhelin
ms-channel-letter = kirje
ms-channel-none = ei valittu
ms-documents = Asiakirjat
ms-message-title = Kirjoita meille
ms-message-text = Viesti
ms-message-files = Liitä asiakirjoja tai kuvia (jos haluat)
ms-message-files-hint = Enintään 3 tiedostoa. Jokainen tiedosto saa olla enintään 10 Mt.
ms-message-send = Lähetä
ms-message-sent = Kiitos! Saimme sen, mitä lähetit.
ms-feedback-title = Miten haluat saada vastauksen?
ms-feedback-save = Tallenna
ms-feedback-saved = Nyt saat vastauksen uudella tavalla.
ms-callback-title = Pyydä soittoa
ms-callback-text = Haluatko mieluummin puhua kanssamme? Kirjoita numerosi, niin soitamme sinulle.
ms-callback-phone = Puhelinnumero
ms-callback-when = Milloin sinulle sopii? (jos haluat)
ms-callback-when-hint = Esimerkiksi: arkisin kello 15 jälkeen
ms-callback-send = Pyydä meitä soittamaan
ms-callback-sent = Kiitos! Soitamme sinulle.
ms-closed-note = Asia on suljettu. Et voi lisätä tänne mitään. Aloita uusi asia, jos tarvitset lisää apua.

## Start a case
ms-start-intro = Valitse sinulle sopiva tapa.
ms-start-eservices = Sähköiset palvelut: ilmoita viasta, hae tai kysy
ms-start-assistant = Kysy verkkoavustajaltamme
ms-start-call = Voit myös soittaa meille numeroon 08-508 000 00.

## The case as the resident sees it (also in the officer's "resident view")
resident-case = Asia
resident-status = Tilanne
resident-feedback-by = Saat vastauksen viimeistään
resident-about = Asia koskee
resident-timeline = Mitä on tapahtunut
resident-the-city = kaupunki
resident-status-registered = Olemme saaneet asiasi.
resident-status-in-progress = Käsittelemme asiaasi.
resident-status-waiting = Odotamme vastaustasi.
resident-status-handed-over = Asiaasi hoitaa nyt: { $to }.
resident-status-closed = Asia on suljettu.
resident-entry-registered = Saimme asiasi ({ $channel }).
resident-entry-you-wrote = Kirjoitit:
resident-entry-we-wrote = Vastasimme:
resident-entry-document = Saimme asiakirjan { $name }.
resident-entry-closed = Asia suljettiin.
resident-entry-waiting = Tarvitsemme sinulta lisää tietoja.
resident-entry-in-progress = Käsittelemme asiaasi.
resident-entry-handed-over = Asia siirrettiin. Sitä hoitaa nyt: { $to }.
resident-entry-taken-on = Käsittelijä on alkanut hoitaa asiaasi.
resident-entry-new-date = Saat vastauksen viimeistään { $date }.
resident-entry-feedback-channel = Valitsit, että saat vastauksen näin: { $channel }.
resident-entry-callback = Pyysit meitä soittamaan sinulle.
resident-via-phone = puhelin
resident-via-email = sähköposti
resident-via-sms = tekstiviesti
resident-via-e-service = sähköinen palvelu
resident-via-letter = kirje
resident-via-visit = käynti
resident-via-social-media = sosiaalinen media
resident-via-chat = chat
resident-via-open311 = sovellus
