# Mina sidor: the residents' pages. Plain language: short sentences.
# Every message here exists in every resident language (a test checks it).

## The frame of every page
ms-brand = Личный кабинет (Mina sidor)
ms-skip = Перейти к содержанию
ms-nav = Меню
ms-languages = Язык
ms-language-choose = Выберите язык
ms-my-cases = Мои обращения
ms-start-case = Подать обращение
ms-logout = Выйти
ms-logged-in-email = Вы вошли с кодом, который пришёл на вашу электронную почту.
ms-logged-in-sms = Вы вошли с кодом, который пришёл на ваш мобильный телефон.
ms-logged-in-eid = Вы вошли через электронную идентификацию.
ms-logged-in-case = Вы следите за обращением по его номеру и коду.
ms-contact-title = Другие способы связаться с нами
ms-contact-phone = Позвоните в Контактный центр: 08-508 000 00
ms-contact-text-phone = Текстовый телефон: позвоните на 08-508 000 00 через Texttelefoni.se
ms-contact-email = Эл. почта: kontaktcenter@stockholm.se
ms-privacy = Здесь ваши обращения видите только вы. Мы записываем каждый просмотр обращения.

## Log in
ms-login-title = Вход в личный кабинет
ms-login-intro = Здесь вы следите за своими обращениями в город. Вы также можете написать нам и отправить документы.
ms-eid-title = Через электронную идентификацию
ms-eid-text = Используйте BankID или Freja eID. Тогда вы увидите все свои обращения.
ms-eid-button = Войти через электронную идентификацию
ms-code-title = С кодом на электронную почту или мобильный
ms-code-text = Мы отправим код на вашу электронную почту или мобильный телефон. Вы увидите обращения, в которых вы указали именно этот адрес.
ms-code-address = Адрес электронной почты или номер мобильного
ms-code-address-hint = Например, namn@exempel.se или 070-123 45 67
ms-code-send = Отправить код
ms-follow-title = Следить за обращением без входа
ms-follow-text = Вам нужны номер обращения и код из подтверждения, которое мы вам отправили.
ms-follow-number = Номер обращения
ms-follow-number-hint = Например, KC-2026-000123
ms-follow-token = Код из подтверждения
ms-follow-token-hint = 12 символов, например ABCD-EFGH-JKMN
ms-follow-button = Показать обращение
ms-logged-out = Вы вышли из личного кабинета.

## The code
ms-code-sent-title = Введите код
ms-code-sent-email = Мы отправили код на вашу электронную почту. Код действует { $minutes } мин.
ms-code-sent-sms = Мы отправили код на ваш мобильный телефон. Код действует { $minutes } мин.
ms-code-label = Код (6 цифр)
ms-code-button = Войти
ms-code-again = Не пришёл код? Запросите новый код.
ms-code-message-subject = Ваш код для входа в личный кабинет
ms-code-message-body = Ваш код для входа в личный кабинет: { $code }. Код действует { $minutes } мин. Если вы не запрашивали код, просто не обращайте внимания на это сообщение.
ms-code-sms = { $code } — ваш код для входа в личный кабинет. Код действует { $minutes } мин.

## Errors
ms-error-title = Нужно кое-что исправить
ms-error-address = Введите адрес электронной почты или номер мобильного.
ms-error-too-many = Мы отправили на этот адрес много кодов. Подождите час и попробуйте снова. Или позвоните нам.
ms-error-code-format = В коде 6 цифр.
ms-error-code-wrong = Код неверный. Осталось попыток: { $left }.
ms-error-code-expired = Код больше не действует. Запросите новый код.
ms-error-follow = Номер обращения и код не совпадают. Проверьте подтверждение и попробуйте снова.
ms-error-follow-format = Введите номер обращения как в подтверждении, например KC-2026-000123. Код должен состоять из 12 символов.
ms-error-session = Вы не вошли в систему, или прошло слишком много времени. Войдите снова.
ms-error-not-found = Среди ваших обращений нет такого обращения.
ms-error-closed = Обращение закрыто. Если вам нужна ещё помощь, подайте новое обращение.
ms-error-failed = Сейчас не удалось сохранить. Попробуйте снова чуть позже.
ms-error-slow-down = Вы пробовали много раз. Подождите немного и попробуйте снова.
ms-error-eid = Не удалось войти через электронную идентификацию. Попробуйте снова.
ms-error-message-empty = Напишите сообщение или выберите файл.
ms-error-message-long = Сообщение слишком длинное.
ms-error-files = За один раз можно отправить не больше 3 файлов. Каждый файл — не больше 10 МБ.
ms-error-phone = Введите номер телефона, например 070-123 45 67.
ms-error-when = Напишите короче, не больше 200 символов.
ms-error-channel = Так нельзя. В обращении нет такого адреса. Напишите адрес в сообщении.
ms-error-back = Назад

## My cases
ms-cases-none = Под этим входом у вас нет обращений к нам.
ms-cases-count = Количество обращений: { $count }
ms-cases-open = Текущие обращения
ms-cases-closed = Закрытые обращения
ms-col-number = Номер обращения
ms-col-what = Обращение
ms-col-status = Статус
ms-col-by = Ответ не позднее
ms-col-updated = Последнее изменение

## One case
ms-case-title = Обращение { $number }
ms-back-to-cases = Назад к моим обращениям
ms-feedback-now = Способ получения ответа: { $channel }
ms-channel-email = электронная почта
ms-channel-sms = SMS
ms-channel-phone = телефон
ms-channel-letter = письмо
ms-channel-none = не выбран
ms-documents = Документы
ms-message-title = Написать нам
ms-message-text = Сообщение
ms-message-files = Прикрепите документы или фото (по желанию)
ms-message-files-hint = Не больше 3 файлов. Каждый файл — не больше 10 МБ.
ms-message-send = Отправить
ms-message-sent = Спасибо! Мы получили то, что вы отправили.
ms-feedback-title = Как вы хотите получить ответ?
ms-feedback-save = Сохранить
ms-feedback-saved = Теперь вы получите ответ новым способом.
ms-callback-title = Обратный звонок
ms-callback-text = Хотите поговорить с нами? Напишите свой номер, и мы вам перезвоним.
ms-callback-phone = Номер телефона
ms-callback-when = Когда вам удобно? (по желанию)
ms-callback-when-hint = Например: в будни после 15:00
ms-callback-send = Попросить перезвонить
ms-callback-sent = Спасибо! Мы вам перезвоним.
ms-closed-note = Обращение закрыто. Здесь больше нельзя ничего добавить. Если вам нужна ещё помощь, подайте новое обращение.

## Start a case
ms-start-intro = Выберите, что вам подходит.
ms-start-eservices = Электронные услуги: сообщить о неисправности, подать заявление или задать вопрос
ms-start-assistant = Задайте вопрос нашему веб-помощнику
ms-start-call = Вы также можете позвонить нам по номеру 08-508 000 00.

## The case as the resident sees it (also in the officer's "resident view")
resident-case = Обращение
resident-status = Статус
resident-feedback-by = Ответ не позднее
resident-about = Суть обращения
resident-timeline = Что произошло
resident-the-city = городская администрация
resident-status-registered = Мы получили ваше обращение.
resident-status-in-progress = Мы работаем над вашим обращением.
resident-status-waiting = Мы ждём ответа от вас.
resident-status-handed-over = Ваше обращение передано. Теперь им занимается { $to }.
resident-status-closed = Обращение закрыто.
resident-entry-registered = Мы получили ваше обращение ({ $channel }).
resident-entry-you-wrote = Вы написали:
resident-entry-we-wrote = Мы ответили:
resident-entry-document = Мы получили документ { $name }.
resident-entry-closed = Обращение закрыто.
resident-entry-waiting = Нам нужно больше информации от вас.
resident-entry-in-progress = Мы работаем над вашим обращением.
resident-entry-handed-over = Обращение передано. Теперь им занимается { $to }.
resident-entry-taken-on = Сотрудник начал работать над вашим обращением.
resident-entry-new-date = Вы получите ответ не позднее { $date }.
resident-entry-feedback-channel = Вы выбрали способ получения ответа: { $channel }.
resident-entry-callback = Вы попросили нас перезвонить вам.
resident-via-phone = телефон
resident-via-email = электронная почта
resident-via-sms = SMS
resident-via-e-service = электронная услуга
resident-via-letter = письмо
resident-via-visit = личный визит
resident-via-social-media = социальные сети
resident-via-chat = чат
resident-via-open311 = приложение
