# Mina sidor: the residents' pages. Plain language: short sentences.
# Every message here exists in every resident language (a test checks it).

## The frame of every page
ms-brand = Sayfalarım (Mina sidor)
ms-skip = İçeriğe geç
ms-nav = Menü
ms-languages = Dil
ms-language-choose = Dil seçin
ms-my-cases = Başvurularım
ms-start-case = Başvuru başlatın
ms-logout = Çıkış yap
ms-logged-in-email = E-postanıza gönderilen bir kodla giriş yaptınız.
ms-logged-in-sms = Cep telefonunuza gönderilen bir kodla giriş yaptınız.
ms-logged-in-eid = E-kimlik ile giriş yaptınız.
ms-logged-in-case = Bir başvuruyu başvuru numarası ve kodla takip ediyorsunuz.
ms-contact-title = Bize ulaşmanın diğer yolları
ms-contact-phone = İletişim Merkezi'ni arayın: 08-508 000 00
ms-contact-text-phone = Metin telefonu: Texttelefoni.se üzerinden 08-508 000 00 numarasını arayın
ms-contact-email = E-posta: kontaktcenter@stockholm.se
ms-privacy = Başvurularınızı burada yalnızca siz görebilirsiniz. Bir başvuru her gösterildiğinde bunu kaydediyoruz.

## Log in
ms-login-title = Sayfalarım'a giriş yapın
ms-login-intro = Belediyedeki başvurularınızı buradan takip edersiniz. Bize yazabilir ve belge de gönderebilirsiniz.
ms-eid-title = E-kimlik ile
ms-eid-text = BankID veya Freja eID kullanın. Böylece tüm başvurularınızı görürsünüz.
ms-eid-button = E-kimlik ile giriş yapın
ms-code-title = E-postanıza veya cep telefonunuza gelen kodla
ms-code-text = E-postanıza veya cep telefonunuza bir kod göndeririz. Tam olarak bu adresi verdiğiniz başvuruları görürsünüz.
ms-code-address = E-posta adresi veya cep telefonu numarası
ms-code-address-hint = Örneğin namn@exempel.se veya 070-123 45 67
ms-code-send = Kod gönder
ms-follow-title = Giriş yapmadan bir başvuruyu takip edin
ms-follow-text = Size gönderdiğimiz onay mesajındaki başvuru numarası ve kod gereklidir.
ms-follow-number = Başvuru numarası
ms-follow-number-hint = Örneğin KC-2026-000123
ms-follow-token = Onay mesajındaki kod
ms-follow-token-hint = 12 karakter, örneğin ABCD-EFGH-JKMN
ms-follow-button = Başvuruyu göster
ms-logged-out = Çıkış yaptınız.

## The code
ms-code-sent-title = Kodu girin
ms-code-sent-email = E-postanıza bir kod gönderdik. Kod { $minutes } dakika geçerlidir.
ms-code-sent-sms = Cep telefonunuza bir kod gönderdik. Kod { $minutes } dakika geçerlidir.
ms-code-label = Kod (6 rakam)
ms-code-button = Giriş yap
ms-code-again = Kod gelmedi mi? Yeni bir kod isteyin.
ms-code-message-subject = Sayfalarım için kodunuz
ms-code-message-body = Sayfalarım için kodunuz: { $code }. Kod { $minutes } dakika geçerlidir. Kod istemediyseniz bu mesajı dikkate almayın.
ms-code-sms = Sayfalarım için kodunuz: { $code }. Kod { $minutes } dakika geçerlidir.

## Errors
ms-error-title = Düzeltilmesi gereken bir şey var
ms-error-address = Bir e-posta adresi veya cep telefonu numarası yazın.
ms-error-too-many = Bu adrese çok sayıda kod gönderdik. Bir saat bekleyip tekrar deneyin ya da bizi arayın.
ms-error-code-format = Kod 6 rakamdan oluşur.
ms-error-code-wrong = Kod yanlış. { $left } kez daha deneyebilirsiniz.
ms-error-code-expired = Kodun süresi doldu. Yeni bir kod isteyin.
ms-error-follow = Başvuru numarası ile kod eşleşmiyor. Onay mesajına bakıp tekrar deneyin.
ms-error-follow-format = Başvuru numarasını onay mesajındaki gibi yazın, örneğin KC-2026-000123. Kodu da 12 karakter olarak yazın.
ms-error-session = Giriş yapmış değilsiniz ya da çok uzun süre geçti. Tekrar giriş yapın.
ms-error-not-found = Başvurularınız arasında böyle bir başvuru bulamadık.
ms-error-closed = Başvuru kapatıldı. Daha fazla yardım gerekirse yeni bir başvuru başlatın.
ms-error-failed = Şu anda kaydedilemedi. Biraz sonra tekrar deneyin.
ms-error-slow-down = Çok sayıda deneme yaptınız. Biraz bekleyip tekrar deneyin.
ms-error-eid = E-kimlik ile giriş yapılamadı. Tekrar deneyin.
ms-error-message-empty = Bir mesaj yazın veya bir dosya seçin.
ms-error-message-long = Mesaj çok uzun.
ms-error-files = Bir seferde en fazla 3 dosya gönderebilirsiniz. Her dosya en fazla 10 MB olabilir.
ms-error-phone = Bir telefon numarası yazın, örneğin 070-123 45 67.
ms-error-when = Daha kısa yazın, en fazla 200 karakter.
ms-error-channel = Bu mümkün değil. Başvuruda böyle bir adres yok. Bunun yerine adresi bir mesajda yazın.
ms-error-back = Geri

## My cases
ms-cases-none = Bu girişle bizde hiç başvurunuz yok.
ms-cases-count = Başvuru sayısı: { $count }
ms-cases-open = Devam eden başvurular
ms-cases-closed = Kapatılan başvurular
ms-col-number = Başvuru numarası
ms-col-what = Başvuru
ms-col-status = Durum
ms-col-by = En geç yanıt tarihi
ms-col-updated = Son değişiklik

## One case
ms-case-title = Başvuru { $number }
ms-back-to-cases = Başvurularıma dön
ms-feedback-now = Yanıtı şu yolla alacaksınız: { $channel }
ms-channel-email = e-posta
ms-channel-sms = SMS
ms-channel-phone = telefon
ms-channel-letter = mektup
ms-channel-none = seçilmedi
ms-documents = Belgeler
ms-message-title = Bize yazın
ms-message-text = Mesaj
ms-message-files = Belge veya fotoğraf ekleyin (isterseniz)
ms-message-files-hint = En fazla 3 dosya. Her dosya en fazla 10 MB olabilir.
ms-message-send = Gönder
ms-message-sent = Teşekkürler! Gönderdiklerinizi aldık.
ms-feedback-title = Yanıtı nasıl almak istersiniz?
ms-feedback-save = Kaydet
ms-feedback-saved = Artık yanıtı yeni seçtiğiniz yolla alacaksınız.
ms-callback-title = Sizi arayalım
ms-callback-text = Bizimle konuşmayı mı tercih edersiniz? Numaranızı yazın, sizi arayalım.
ms-callback-phone = Telefon numarası
ms-callback-when = Size hangi zaman uygun? (isterseniz)
ms-callback-when-hint = Örneğin: hafta içi saat 15'ten sonra
ms-callback-send = Beni arayın
ms-callback-sent = Teşekkürler! Sizi arayacağız.
ms-closed-note = Başvuru kapatıldı. Buraya bir şey ekleyemezsiniz. Daha fazla yardım gerekirse yeni bir başvuru başlatın.

## Start a case
ms-start-intro = Size uygun olanı seçin.
ms-start-eservices = E-hizmetler: arıza bildirin, başvuru yapın veya soru sorun
ms-start-assistant = Web asistanımıza bir soru sorun
ms-start-call = Bizi 08-508 000 00 numarasından da arayabilirsiniz.

## The case as the resident sees it (also in the officer's "resident view")
resident-case = Başvuru
resident-status = Durum
resident-feedback-by = En geç yanıt tarihi
resident-about = Konu
resident-timeline = Neler oldu
resident-the-city = belediye
resident-status-registered = Başvurunuzu aldık.
resident-status-in-progress = Başvurunuz üzerinde çalışıyoruz.
resident-status-waiting = Sizden yanıt bekliyoruz.
resident-status-handed-over = Başvurunuz şu birime aktarıldı: { $to }.
resident-status-closed = Başvuru kapatıldı.
resident-entry-registered = Başvurunuzu aldık ({ $channel }).
resident-entry-you-wrote = Siz yazdınız:
resident-entry-we-wrote = Bizim yanıtımız:
resident-entry-document = Belgeyi aldık: { $name }.
resident-entry-closed = Başvuru kapatıldı.
resident-entry-waiting = Sizden daha fazla bilgiye ihtiyacımız var.
resident-entry-in-progress = Başvurunuz üzerinde çalışıyoruz.
resident-entry-handed-over = Başvuru şu birime aktarıldı: { $to }.
resident-entry-taken-on = Bir görevli başvurunuz üzerinde çalışmaya başladı.
resident-entry-new-date = En geç { $date } tarihinde yanıt alacaksınız.
resident-entry-feedback-channel = Yanıtı şu yolla almayı seçtiniz: { $channel }.
resident-entry-callback = Sizi aramamızı istediniz.
resident-via-phone = telefon
resident-via-email = e-posta
resident-via-sms = SMS
resident-via-e-service = e-hizmet
resident-via-letter = mektup
resident-via-visit = ziyaret
resident-via-social-media = sosyal medya
resident-via-chat = sohbet
resident-via-open311 = uygulama
