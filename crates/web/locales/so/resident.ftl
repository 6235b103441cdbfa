# Mina sidor: the residents' pages. Plain language: short sentences.
# Every message here exists in every resident language (a test checks it).

## The frame of every page
ms-brand = Boggayga (Mina sidor)
ms-skip = U gudub nuxurka
ms-nav = Liiska
ms-languages = Luqadda
ms-language-choose = Dooro luqadda
ms-my-cases = Arrimahayga
ms-start-case = Bilow arrin
ms-logout = Ka bax
ms-logged-in-email = Waxaad ku soo gashay koodh loo diray iimaylkaaga.
ms-logged-in-sms = Waxaad ku soo gashay koodh loo diray mobaylkaaga.
ms-logged-in-eid = Waxaad ku soo gashay aqoonsi elektaroonig ah.
ms-logged-in-case = Waxaad la socotaa arrin. Waxaad isticmaashay lambarka arrinta iyo koodh.
ms-contact-title = Siyaabo kale oo aad noola xiriiri karto
ms-contact-phone = Wac Xarunta Xiriirka: 08-508 000 00
ms-contact-text-phone = Taleefanka qoraalka: wac 08-508 000 00 adigoo isticmaalaya Texttelefoni.se
ms-contact-email = Iimayl: kontaktcenter@stockholm.se
ms-privacy = Adiga keliya ayaa halkan ku arki kara arrimahaaga. Mar kasta oo arrin la eego waan diiwaangelinnaa.

## Log in
ms-login-title = Gal Boggayga
ms-login-intro = Halkan waxaad kala socon kartaa arrimahaaga magaalada. Sidoo kale waad noo qori kartaa oo dukumentiyo noo soo diri kartaa.
ms-eid-title = Aqoonsi elektaroonig ah
ms-eid-text = Isticmaal BankID ama Freja eID. Markaas waxaad arki doontaa dhammaan arrimahaaga.
ms-eid-button = Ku gal aqoonsi elektaroonig ah
ms-code-title = Koodh loo diro iimaylkaaga ama mobaylkaaga
ms-code-text = Waxaan koodh u diraynaa iimaylkaaga ama mobaylkaaga. Waxaad arki doontaa arrimaha aad ku bixisay cinwaankaas.
ms-code-address = Cinwaanka iimaylka ama lambarka mobaylka
ms-code-address-hint = Tusaale ahaan namn@exempel.se ama 070-123 45 67
ms-code-send = Dir koodhka
ms-follow-title = La soco arrin adigoon gelin
ms-follow-text = Waxaad u baahan tahay lambarka arrinta iyo koodhka. Waxay ku qoran yihiin xaqiijinta aan kuu soo dirnay.
ms-follow-number = Lambarka arrinta
ms-follow-number-hint = Tusaale ahaan KC-2026-000123
ms-follow-token = Koodhka xaqiijinta
ms-follow-token-hint = 12 xaraf, tusaale ahaan ABCD-EFGH-JKMN
ms-follow-button = Eeg arrinta
ms-logged-out = Waad ka baxday.

## The code
ms-code-sent-title = Qor koodhka
ms-code-sent-email = Waxaan koodh u dirnay iimaylkaaga. Koodhku wuxuu shaqaynayaa { $minutes } daqiiqo.
ms-code-sent-sms = Waxaan koodh u dirnay mobaylkaaga. Koodhku wuxuu shaqaynayaa { $minutes } daqiiqo.
ms-code-label = Koodh (6 lambar)
ms-code-button = Gal
ms-code-again = Koodh ma helin? Codso koodh cusub.
ms-code-message-subject = Koodhkaaga Boggayga
ms-code-message-body = Koodhkaaga Boggayga waa { $code }. Koodhku wuxuu shaqaynayaa { $minutes } daqiiqo. Haddii aadan koodh codsan, iska dhaaf fariintan.
ms-code-sms = { $code } waa koodhkaaga Boggayga. Koodhku wuxuu shaqaynayaa { $minutes } daqiiqo.

## Errors
ms-error-title = Wax baa u baahan in la saxo
ms-error-address = Qor cinwaan iimayl ama lambar mobayl.
ms-error-too-many = Koodho badan ayaan u dirnay cinwaankaas. Sug hal saac, kadibna isku day mar kale. Ama na soo wac.
ms-error-code-format = Koodhku waa 6 lambar.
ms-error-code-wrong = Koodhku sax maaha. Waxaad isku dayi kartaa { $left } jeer oo kale.
ms-error-code-expired = Koodhku hadda ma shaqaynayo. Codso koodh cusub.
ms-error-follow = Lambarka arrinta iyo koodhku isma laha. Eeg xaqiijinta, kadibna isku day mar kale.
ms-error-follow-format = Qor lambarka arrinta sida uu ugu qoran yahay xaqiijinta, tusaale ahaan KC-2026-000123. Koodhku waa 12 xaraf.
ms-error-session = Ma aadan soo gelin, ama waqti badan ayaa dhaafay. Mar kale soo gal.
ms-error-not-found = Arrin sidaas ah kuma jirto arrimahaaga.
ms-error-closed = Arrintan waa la xiray. Bilow arrin cusub haddii aad caawimaad dheeraad ah u baahan tahay.
ms-error-failed = Hadda lama kaydin karo. Isku day mar kale wax yar kadib.
ms-error-slow-down = Marar badan ayaad isku dayday. Wax yar sug, kadibna isku day mar kale.
ms-error-eid = Kuma aadan geli karin aqoonsiga elektaroonigga ah. Isku day mar kale.
ms-error-message-empty = Qor fariin ama dooro fayl.
ms-error-message-long = Fariintu aad bay u dheer tahay.
ms-error-files = Mar kasta waxaad diri kartaa ugu badnaan 3 fayl. Fayl kasta wuxuu noqon karaa ugu badnaan 10 MB.
ms-error-phone = Qor lambar taleefan, tusaale ahaan 070-123 45 67.
ms-error-when = Qor wax ka gaaban, ugu badnaan 200 xaraf.
ms-error-channel = Taas lama samayn karo. Cinwaankaas kuma jiro arrinta. Cinwaanka ku qor fariin.
ms-error-back = Dib u noqo

## My cases
ms-cases-none = Ma lihid arrimo nala jira marka aad sidan u gasho.
ms-cases-count = Tirada arrimaha: { $count }
ms-cases-open = Arrimaha socda
ms-cases-closed = Arrimaha la xiray
ms-col-number = Lambarka arrinta
ms-col-what = Arrinta
ms-col-status = Xaaladda
ms-col-by = Jawaabta ugu dambayn
ms-col-updated = Isbeddelkii ugu dambeeyay

## One case
ms-case-title = Arrin { $number }
ms-back-to-cases = Dib ugu noqo arrimahayga
ms-feedback-now = Jawaabta waxaad ku heli doontaa: { $channel }
ms-channel-email = iimayl
ms-channel-sms = SMS
ms-channel-phone = taleefan
ms-channel-letter = warqad
ms-channel-none = waxba lama dooran
ms-documents = Dukumentiyo
ms-message-title = Noo qor
ms-message-text = Fariin
ms-message-files = Ku lifaaq dukumentiyo ama sawirro (haddii aad rabto)
ms-message-files-hint = Ugu badnaan 3 fayl. Fayl kasta wuxuu noqon karaa ugu badnaan 10 MB.
ms-message-send = Dir
ms-message-sent = Mahadsanid! Waan helnay waxa aad soo dirtay.
ms-feedback-title = Sidee baad rabtaa inaad jawaabta ku hesho?
ms-feedback-save = Kaydi
ms-feedback-saved = Hadda jawaabta waxaad ku heli doontaa habka cusub.
ms-callback-title = Codso wicitaan
ms-callback-text = Ma rabtaa inaad nala hadasho? Qor lambarkaaga, waan ku soo wici doonaa.
ms-callback-phone = Lambarka taleefanka
ms-callback-when = Goorma ayaa kugu habboon? (haddii aad rabto)
ms-callback-when-hint = Tusaale ahaan: maalmaha shaqada kadib saacadda 15:00
ms-callback-send = Naga codso inaan ku soo wacno
ms-callback-sent = Mahadsanid! Waan ku soo wici doonaa.
ms-closed-note = Arrintan waa la xiray. Halkan waxba kuma dari kartid. Bilow arrin cusub haddii aad caawimaad dheeraad ah u baahan tahay.

## Start a case
ms-start-intro = Dooro waxa kugu habboon.
ms-start-eservices = Adeegyo elektaroonig ah: soo sheeg cillad, codso ama wax weydii
ms-start-assistant = Su'aal weydii caawiyahayaga internetka
ms-start-call = Sidoo kale waad na soo wici kartaa: 08-508 000 00.

## The case as the resident sees it (also in the officer's "resident view")
resident-case = Arrin
resident-status = Xaaladda
resident-feedback-by = Jawaabta ugu dambayn
resident-about = Waxa ay ku saabsan tahay
resident-timeline = Waxa dhacay
resident-the-city = magaalada
resident-status-registered = Waan helnay arrintaada.
resident-status-in-progress = Waxaan ka shaqaynaynaa arrintaada.
resident-status-waiting = Waxaan sugaynaa jawaab adiga kaa timaada.
resident-status-handed-over = Arrintaada waxaa loo gudbiyay { $to }.
resident-status-closed = Arrinta waa la xiray.
resident-entry-registered = Waan helnay arrintaada ({ $channel }).
resident-entry-you-wrote = Waxaad qortay:
resident-entry-we-wrote = Waxaan ku jawaabnay:
resident-entry-document = Waan helnay dukumentiga { $name }.
resident-entry-closed = Arrinta waa la xiray.
resident-entry-waiting = Waxaan kaa rabnaa macluumaad dheeraad ah.
resident-entry-in-progress = Waxaan ka shaqaynaynaa arrintaada.
resident-entry-handed-over = Arrinta waxaa loo gudbiyay { $to }.
resident-entry-taken-on = Shaqaale ayaa bilaabay inuu ka shaqeeyo arrintaada.
resident-entry-new-date = Jawaab waxaad heli doontaa ugu dambayn { $date }.
resident-entry-feedback-channel = Waxaad dooratay inaad jawaabta ku hesho: { $channel }.
resident-entry-callback = Waxaad naga codsatay inaan ku soo wacno.
resident-via-phone = taleefan
resident-via-email = iimayl
resident-via-sms = SMS
resident-via-e-service = adeeg elektaroonig ah
resident-via-letter = warqad
resident-via-visit = booqasho
resident-via-social-media = baraha bulshada
resident-via-chat = chat
resident-via-open311 = app
