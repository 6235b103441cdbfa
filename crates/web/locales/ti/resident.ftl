# Mina sidor: the residents' pages. Plain language: short sentences.
# Every message here exists in every resident language (a test checks it).

## The frame of every page
ms-brand = ናተይ ገጻት (Mina sidor)
ms-skip = ናብቲ ትሕዝቶ ሕለፉ
ms-nav = ዝርዝር
ms-languages = ቋንቋ
ms-language-choose = ቋንቋ ምረጹ
ms-my-cases = ጉዳያተይ
ms-start-case = ጉዳይ ጀምሩ
ms-logout = ውጹ
ms-logged-in-email = ናብ ኢመይልኩም ብዝተላእከ ኮድ ኣቲኹም ኣለኹም።
ms-logged-in-sms = ናብ ሞባይልኩም ብዝተላእከ ኮድ ኣቲኹም ኣለኹም።
ms-logged-in-eid = ብኤሌክትሮኒካዊ መንነት ኣቲኹም ኣለኹም።
ms-logged-in-case = ብቁጽሪ ጉዳይን ኮድን ሓደ ጉዳይ ትከታተሉ ኣለኹም።
ms-contact-title = ካልኦት መገድታት ንምርካብና
ms-contact-phone = ናብ ማእከል ርክብ ደውሉ: 08-508 000 00
ms-contact-text-phone = ጽሑፋዊ ተሌፎን: ብ Texttelefoni.se ኣቢልኩም ናብ 08-508 000 00 ደውሉ
ms-contact-email = ኢመይል: kontaktcenter@stockholm.se
ms-privacy = ኣብዚ ጉዳያትኩም ክርእዩ ዝኽእሉ ንስኻትኩም ጥራይ ኢኹም። ጉዳይ ኣብ ዝተኸፍተሉ ግዜ ኹሉ ንምዝግቦ።

## Log in
ms-login-title = ናብ ናተይ ገጻት እተዉ
ms-login-intro = ኣብዚ ኣብ ከተማ ዘለኩም ጉዳያት ትከታተሉ። ከምኡ'ውን ክትጽሕፉልናን ሰነዳት ክትሰዱልናን ትኽእሉ ኢኹም።
ms-eid-title = ብኤሌክትሮኒካዊ መንነት
ms-eid-text = BankID ወይ Freja eID ተጠቐሙ። ሽዑ ኩሎም ጉዳያትኩም ክትርእዩ ኢኹም።
ms-eid-button = ብኤሌክትሮኒካዊ መንነት እተዉ
ms-code-title = ብኮድ ናብ ኢመይል ወይ ሞባይል
ms-code-text = ናብ ኢመይልኩም ወይ ሞባይልኩም ኮድ ንሰድድ። ነዚ ኣድራሻ እዚ ዝሃብኩምሉ ጉዳያት ክትርእዩ ኢኹም።
ms-code-address = ኣድራሻ ኢመይል ወይ ቁጽሪ ሞባይል
ms-code-address-hint = ንኣብነት namn@exempel.se ወይ 070-123 45 67
ms-code-send = ኮድ ስደዱ
ms-follow-title = ከይኣቶኹም ጉዳይ ተኸታተሉ
ms-follow-text = ቁጽሪ ጉዳይን ኮድን የድልየኩም። ክልቲኦም ኣብቲ ዝለኣኽናልኩም መረጋገጺ ኣለዉ።
ms-follow-number = ቁጽሪ ጉዳይ
ms-follow-number-hint = ንኣብነት KC-2026-000123
ms-follow-token = ኮድ ካብ መረጋገጺ
ms-follow-token-hint = 12 ምልክታት፣ ንኣብነት ABCD-EFGH-JKMN
ms-follow-button = ነቲ ጉዳይ ርኣዩ
ms-logged-out = ወጺኹም ኣለኹም።

## The code
ms-code-sent-title = ኮድ ኣእትዉ
ms-code-sent-email = ናብ ኢመይልኩም ኮድ ልኢኽና ኣለና። እቲ ኮድ ንውሽጢ { $minutes } ደቒቕ ይሰርሕ።
ms-code-sent-sms = ናብ ሞባይልኩም ኮድ ልኢኽና ኣለና። እቲ ኮድ ንውሽጢ { $minutes } ደቒቕ ይሰርሕ።
ms-code-label = ኮድ (6 ኣሃዛት)
ms-code-button = እተዉ
ms-code-again = ኮድ ኣይበጽሓኩምን? ሓድሽ ኮድ ሕተቱ።
ms-code-message-subject = ኮድኩም ንናተይ ገጻት
ms-code-message-body = ኮድኩም ንናተይ ገጻት { $code } እዩ። እቲ ኮድ ንውሽጢ { $minutes } ደቒቕ ይሰርሕ። ኮድ እንተዘይሓቲትኩም፣ ነዚ መልእኽቲ ሸለል በልዎ።
ms-code-sms = { $code } ንናተይ ገጻት ዝኸውን ኮድኩም እዩ። እቲ ኮድ ንውሽጢ { $minutes } ደቒቕ ይሰርሕ።

## Errors
ms-error-title = ክእረም ዘለዎ ነገር ኣሎ
ms-error-address = ኣድራሻ ኢመይል ወይ ቁጽሪ ሞባይል ጽሓፉ።
ms-error-too-many = ናብዚ ኣድራሻ ብዙሕ ኮድ ልኢኽና ኣለና። ሓደ ሰዓት ተጸበዩ እሞ እንደገና ፈትኑ። ወይ ድማ ደውሉልና።
ms-error-code-format = እቲ ኮድ 6 ኣሃዛት ኣለዎ።
ms-error-code-wrong = እቲ ኮድ ጌጋ እዩ። ክሳብ { $left } ግዜ ደጊምኩም ክትፍትኑ ትኽእሉ ኢኹም።
ms-error-code-expired = ግዜ እቲ ኮድ ሓሊፉ እዩ። ሓድሽ ኮድ ሕተቱ።
ms-error-follow = ቁጽሪ ጉዳይን ኮድን ኣይሰማምዑን። ነቲ መረጋገጺ ርኣዩ እሞ እንደገና ፈትኑ።
ms-error-follow-format = ቁጽሪ ጉዳይ ከምቲ ኣብ መረጋገጺ ዘሎ ጽሓፉ፣ ንኣብነት KC-2026-000123። እቲ ኮድ 12 ምልክታት ኣለዎ።
ms-error-session = ኣይኣቶኹምን፣ ወይ ድማ ነዊሕ ግዜ ሓሊፉ። እንደገና እተዉ።
ms-error-not-found = ኣብ ጉዳያትኩም ከምዚ ዝበለ ጉዳይ ኣይረኸብናን።
ms-error-closed = እቲ ጉዳይ ተዓጽዩ እዩ። ተወሳኺ ሓገዝ እንተ ኣድልዩኩም ሓድሽ ጉዳይ ጀምሩ።
ms-error-failed = ሕጂ ክዕቀብ ኣይከኣለን። ድሕሪ ቁሩብ እንደገና ፈትኑ።
ms-error-slow-down = ብዙሕ ግዜ ፈቲንኩም። ቁሩብ ተጸበዩ እሞ እንደገና ፈትኑ።
ms-error-eid = ብኤሌክትሮኒካዊ መንነት ምእታው ኣይተኻእለን። እንደገና ፈትኑ።
ms-error-message-empty = መልእኽቲ ጽሓፉ ወይ ፋይል ምረጹ።
ms-error-message-long = እቲ መልእኽቲ ኣዝዩ ነዊሕ እዩ።
ms-error-files = ኣብ ሓደ ግዜ ብዝበዝሐ 3 ፋይላት ክትሰዱ ትኽእሉ ኢኹም። ነፍሲ ወከፍ ፋይል ብዝበዝሐ 10 MB ክኸውን ይኽእል።
ms-error-phone = ቁጽሪ ተሌፎን ጽሓፉ፣ ንኣብነት 070-123 45 67።
ms-error-when = ሓጺር ጌርኩም ጽሓፉ፣ ብዝበዝሐ 200 ምልክታት።
ms-error-channel = እዚ ኣይከኣልን። ኣብቲ ጉዳይ ከምዚ ዝበለ ኣድራሻ የብልናን። ነቲ ኣድራሻ ኣብ መልእኽቲ ጽሓፉ።
ms-error-back = ንድሕሪት

## My cases
ms-cases-none = በዚ ምእታው እዚ ምሳና ዝኾነ ጉዳይ የብልኩምን።
ms-cases-count = ብዝሒ ጉዳያት: { $count }
ms-cases-open = ኣብ መስርሕ ዘለዉ ጉዳያት
ms-cases-closed = ዝተዓጽዉ ጉዳያት
ms-col-number = ቁጽሪ ጉዳይ
ms-col-what = ጉዳይ
ms-col-status = ኩነታት
ms-col-by = መልሲ ክሳብ
ms-col-updated = ናይ መወዳእታ ለውጢ

## One case
ms-case-title = ጉዳይ { $number }
ms-back-to-cases = ናብ ጉዳያተይ ተመለሱ
ms-feedback-now = መልሲ እትረኽብሉ መገዲ: { $channel }
ms-channel-email = ኢመይል
ms-channel-sms = SMS
ms-channel-phone = ተሌፎን
ms-channel-letter = ደብዳበ
ms-channel-none = ዝተመርጸ የለን
ms-documents = ሰነዳት
ms-message-title = ጽሓፉልና
ms-message-text = መልእኽቲ
ms-message-files = ሰነዳት ወይ ስእልታት ኣተሓሕዙ (እንተደሊኹም)
ms-message-files-hint = ብዝበዝሐ 3 ፋይላት። ነፍሲ ወከፍ ፋይል ብዝበዝሐ 10 MB።
ms-message-send = ስደዱ
ms-message-sent = የቐንየልና! ዝሰደድኩምዎ ተቐቢልና ኣለና።
ms-feedback-title = መልሲ ብኸመይ ክትረኽቡ ትደልዩ?
ms-feedback-save = ዕቀቡ
ms-feedback-saved = ሕጂ መልሲ ብሓድሽ መገዲ ክትረኽቡ ኢኹም።
ms-callback-title = ንሕና ንደውለልኩም
ms-callback-text = ምሳና ክትዛረቡ ትደልዩ ዶ? ቁጽሪ ተሌፎንኩም ጽሓፉ፣ ንሕና ክንድውለልኩም ኢና።
ms-callback-phone = ቁጽሪ ተሌፎን
ms-callback-when = መዓስ ይጥዕመኩም? (እንተደሊኹም)
ms-callback-when-hint = ንኣብነት: ኣብ መዓልትታት ስራሕ ድሕሪ ሰዓት 15:00
ms-callback-send = ክንድውለልኩም ሕተቱ
ms-callback-sent = የቐንየልና! ክንድውለልኩም ኢና።
ms-closed-note = እቲ ጉዳይ ተዓጽዩ እዩ። ኣብዚ ዝኾነ ነገር ክትውስኹ ኣይትኽእሉን ኢኹም። ተወሳኺ ሓገዝ እንተ ኣድልዩኩም ሓድሽ ጉዳይ ጀምሩ።

## Start a case
ms-start-intro = ዝጥዕመኩም ምረጹ።
ms-start-eservices = ኤሌክትሮኒካዊ ኣገልግሎታት: ብልሽት ሓብሩ፣ ኣመልክቱ ወይ ሕተቱ
ms-start-assistant = ንናይ መርበብ ሓጋዚና ሕቶ ሕተቱ
ms-start-call = ከምኡ'ውን ናብ 08-508 000 00 ክትድውሉልና ትኽእሉ ኢኹም።

## The case as the resident sees it (also in the officer's "resident view")
resident-case = ጉዳይ
resident-status = ኩነታት
resident-feedback-by = መልሲ እትረኽብሉ ናይ መወዳእታ ዕለት
resident-about = ብዛዕባ እንታይ እዩ
resident-timeline = ክሳብ ሕጂ ዝተፈጸመ
resident-the-city = ከተማ
resident-status-registered = ጉዳይኩም ተቐቢልና ኣለና።
resident-status-in-progress = ኣብ ጉዳይኩም ንሰርሕ ኣለና።
resident-status-waiting = ካባኹም መልሲ ንጽበ ኣለና።
resident-status-handed-over = ጉዳይኩም ናብ { $to } ተመሓላሊፉ ኣሎ።
resident-status-closed = እቲ ጉዳይ ተዓጽዩ እዩ።
resident-entry-registered = ጉዳይኩም ተቐቢልና ({ $channel })።
resident-entry-you-wrote = ዝጸሓፍኩምዎ:
resident-entry-we-wrote = ዝመለስናዮ:
resident-entry-document = ሰነድ { $name } ተቐቢልና።
resident-entry-closed = እቲ ጉዳይ ተዓጽዩ።
resident-entry-waiting = ካባኹም ተወሳኺ ሓበሬታ የድልየና እዩ።
resident-entry-in-progress = ኣብ ጉዳይኩም ንሰርሕ ኣለና።
resident-entry-handed-over = እቲ ጉዳይ ናብ { $to } ተመሓላሊፉ።
resident-entry-taken-on = ሓደ ሰራሕተኛ ኣብ ጉዳይኩም ክሰርሕ ጀሚሩ።
resident-entry-new-date = ክሳብ { $date } መልሲ ክትረኽቡ ኢኹም።
resident-entry-feedback-channel = መልሲ እትረኽብሉ መገዲ መሪጽኩም: { $channel }።
resident-entry-callback = ክንድውለልኩም ሓቲትኩም።
resident-via-phone = ተሌፎን
resident-via-email = ኢመይል
resident-via-sms = SMS
resident-via-e-service = ኤሌክትሮኒካዊ ኣገልግሎት
resident-via-letter = ደብዳበ
resident-via-visit = ብኣካል ምምጻእ
resident-via-social-media = ማሕበራዊ ሚድያ
resident-via-chat = ቻት
resident-via-open311 = ኣፕ
