/** The languages of the keeper's pages. */
export type Lang = 'en' | 'ru';

const en = {
  'app.name': 'Keeper',
  'nav.wallet': 'Wallet',
  'nav.settings': 'Settings',
  'nav.signOut': 'Sign out',
  'nav.label': 'Main',
  'nav.skip': 'Skip to content',
  'idle.title': 'Are you still there?',
  'idle.body': 'For your security you will be signed out without activity in',
  'idle.stay': 'Stay signed in',
  'idle.signOut': 'Sign out',
  'idle.ended':
    'You were signed out after a time without activity, to protect your wallet. Sign in again to continue.',
  'lang.other': 'Русский',
  'lang.otherCode': 'ru',
  'login.title': 'Sign in to Keeper',
  'login.intro':
    'Keeper signs you in with Cipherpad: enter your email, then confirm with the Cipherpad app.',
  'login.email': 'Email',
  'login.submit': 'Continue',
  'login.confirmTitle': 'Confirm the sign-in',
  'login.notConfigured':
    'Keeper is not registered with Cipherpad yet. Start it with npm start, or see docs/keeper.md.',
  'confirm.match': 'Approve in the app',
  'confirm.matchText': 'Open Cipherpad on your phone and enter this number to approve:',
  'confirm.waiting': 'Waiting for your approval…',
  'confirm.waitPaused': 'Connection lost; still waiting…',
  'confirm.reissued':
    'Your registration gave this confirmation a new challenge and number: use the ones below.',
  'confirm.orType': 'Or type the response',
  'confirm.scanOrType': 'Scan the QR code with the app, or type the challenge into it:',
  'confirm.paymentScan':
    'In the app choose Payment, scan the QR code or type the challenge, the amount and the purse:',
  'confirm.challenge': 'Challenge',
  'confirm.qr': 'QR code for the Cipherpad app',
  'confirm.response': 'Response from the app',
  'confirm.responseHint': '8 digits',
  'confirm.smsCode': 'Code from the SMS',
  'confirm.smsText': 'We sent a 6-digit code by SMS to {phone}.',
  'confirm.verify': 'Confirm',
  'confirm.validUntil': 'Valid until {time}',
  'confirm.confirmUrl': 'No Cipherpad yet, or asked to allow Keeper? Open Cipherpad',
  'confirm.denied': 'The request was denied in the app.',
  'confirm.expired': 'The challenge expired.',
  'confirm.failed': 'Too many wrong responses: this confirmation is closed.',
  'confirm.cancel': 'Cancel',
  'confirm.startAgain': 'Start again',
  'wallet.title': 'Wallet',
  'wallet.id': 'Wallet id {id}',
  'wallet.purses': 'Purses',
  'wallet.balance': 'Balance',
  'wallet.transfer': 'Transfer funds',
  'wallet.currency': 'From purse',
  'wallet.to': 'To: purse or email',
  'wallet.toHint': 'A purse (letter and 12 digits) or the recipient’s email',
  'wallet.amount': 'Amount',
  'wallet.amountHint': 'For example 25.50',
  'wallet.note': 'Note (optional)',
  'wallet.send': 'Send',
  'wallet.confirmTitle': 'Confirm the transfer',
  'wallet.details': '{amount} {code} to {purse}',
  'wallet.done': 'Transfer completed: {amount} {code} to {purse}.',
  'wallet.cancelled': 'The transfer was cancelled; no money moved.',
  'wallet.history': 'History',
  'wallet.empty': 'No transfers yet.',
  'wallet.more': 'Load more',
  'status.completed': 'completed',
  'status.held': 'waiting for confirmation',
  'status.cancelled': 'cancelled',
  'history.in': 'from {purse}',
  'history.out': 'to {purse}',
  'history.issue': 'demo money',
  'history.resume': 'Resume confirmation',
  'history.cancel': 'Cancel transfer',
  'settings.title': 'Settings',
  'settings.confirmation': 'Confirmation of transfers',
  'settings.current': 'Now: {method}',
  'settings.none': 'No confirmation',
  'settings.cipherpad': 'Cipherpad (Payment mode, QR code or online approval)',
  'settings.sms': 'SMS code',
  'settings.phone': 'Phone for SMS codes',
  'settings.save': 'Save',
  'settings.confirmTitle': 'Confirm the change',
  'settings.saved': 'Saved.',
  'settings.unchanged': 'Nothing to change.',
  'err.generic': 'Something went wrong ({code}).',
  'err.codeFormat': 'Type the {n} digits.',
} as const;

/** A text's key. */
export type MessageKey = keyof typeof en;

const ru: Record<MessageKey, string> = {
  'app.name': 'Keeper',
  'nav.wallet': 'Кошелёк',
  'nav.settings': 'Настройки',
  'nav.signOut': 'Выйти',
  'nav.label': 'Главное',
  'nav.skip': 'К содержанию',
  'idle.title': 'Вы ещё здесь?',
  'idle.body': 'Для вашей безопасности без активности сеанс завершится через',
  'idle.stay': 'Остаться в системе',
  'idle.signOut': 'Выйти',
  'idle.ended':
    'Сеанс завершён после периода без активности, чтобы защитить ваш кошелёк. Войдите снова, чтобы продолжить.',
  'lang.other': 'English',
  'lang.otherCode': 'en',
  'login.title': 'Вход в Keeper',
  'login.intro':
    'Keeper входит через Cipherpad: введите email и подтвердите вход в приложении Cipherpad.',
  'login.email': 'Email',
  'login.submit': 'Продолжить',
  'login.confirmTitle': 'Подтвердите вход',
  'login.notConfigured':
    'Keeper ещё не зарегистрирован в Cipherpad. Запустите его командой npm start или см. docs/keeper.md.',
  'confirm.match': 'Одобрите в приложении',
  'confirm.matchText': 'Откройте Cipherpad на телефоне и введите это число, чтобы одобрить:',
  'confirm.waiting': 'Ждём вашего одобрения…',
  'confirm.waitPaused': 'Связь прервалась; продолжаем ждать…',
  'confirm.reissued':
    'После регистрации у подтверждения новый вызов и число: используйте те, что ниже.',
  'confirm.orType': 'Или введите ответ',
  'confirm.scanOrType': 'Отсканируйте QR-код приложением или введите в него вызов:',
  'confirm.paymentScan':
    'В приложении выберите «Платёж», отсканируйте QR-код или введите вызов, сумму и кошелёк:',
  'confirm.challenge': 'Вызов',
  'confirm.qr': 'QR-код для приложения Cipherpad',
  'confirm.response': 'Ответ приложения',
  'confirm.responseHint': '8 цифр',
  'confirm.smsCode': 'Код из SMS',
  'confirm.smsText': 'Мы отправили 6-значный код в SMS на {phone}.',
  'confirm.verify': 'Подтвердить',
  'confirm.validUntil': 'Действует до {time}',
  'confirm.confirmUrl': 'Ещё нет Cipherpad или нужно разрешить Keeper? Откройте Cipherpad',
  'confirm.denied': 'Запрос отклонён в приложении.',
  'confirm.expired': 'Срок вызова истёк.',
  'confirm.failed': 'Слишком много неверных ответов: подтверждение закрыто.',
  'confirm.cancel': 'Отменить',
  'confirm.startAgain': 'Начать заново',
  'wallet.title': 'Кошелёк',
  'wallet.id': 'Номер кошелька {id}',
  'wallet.purses': 'Кошельки',
  'wallet.balance': 'Баланс',
  'wallet.transfer': 'Перевести средства',
  'wallet.currency': 'С кошелька',
  'wallet.to': 'Кому: кошелёк или email',
  'wallet.toHint': 'Кошелёк (буква и 12 цифр) или email получателя',
  'wallet.amount': 'Сумма',
  'wallet.amountHint': 'Например, 25,50',
  'wallet.note': 'Примечание (необязательно)',
  'wallet.send': 'Отправить',
  'wallet.confirmTitle': 'Подтвердите перевод',
  'wallet.details': '{amount} {code} на {purse}',
  'wallet.done': 'Перевод выполнен: {amount} {code} на {purse}.',
  'wallet.cancelled': 'Перевод отменён; деньги не списаны.',
  'wallet.history': 'История',
  'wallet.empty': 'Переводов пока нет.',
  'wallet.more': 'Показать ещё',
  'status.completed': 'выполнен',
  'status.held': 'ждёт подтверждения',
  'status.cancelled': 'отменён',
  'history.in': 'от {purse}',
  'history.out': 'на {purse}',
  'history.issue': 'демо-средства',
  'history.resume': 'Продолжить подтверждение',
  'history.cancel': 'Отменить перевод',
  'settings.title': 'Настройки',
  'settings.confirmation': 'Подтверждение переводов',
  'settings.current': 'Сейчас: {method}',
  'settings.none': 'Без подтверждения',
  'settings.cipherpad': 'Cipherpad (режим «Платёж», QR-код или одобрение онлайн)',
  'settings.sms': 'Код в SMS',
  'settings.phone': 'Телефон для SMS-кодов',
  'settings.save': 'Сохранить',
  'settings.confirmTitle': 'Подтвердите изменение',
  'settings.saved': 'Сохранено.',
  'settings.unchanged': 'Нечего менять.',
  'err.generic': 'Что-то пошло не так ({code}).',
  'err.codeFormat': 'Введите {n} цифр.',
};

/** Messages for the API's stable codes (docs/keeper.md), per language. */
const ERRORS: Record<Lang, Record<string, string>> = {
  en: {
    ERR_VALIDATION: 'Check what you typed.',
    ERR_AMOUNT_INVALID: 'The amount must be greater than zero, with at most 2 decimals.',
    ERR_PURSE_INVALID: 'A purse is a letter and 12 digits, like Z123456789012.',
    ERR_EMAIL_INVALID: 'This email address is not valid.',
    ERR_PHONE_INVALID: 'This phone number is not valid.',
    ERR_PURSE_NOT_FOUND: 'No purse has this number.',
    ERR_CURRENCY_MISMATCH: 'The recipient purse holds another currency.',
    ERR_SAME_PURSE: 'A purse cannot pay itself.',
    ERR_INSUFFICIENT_FUNDS: 'The purse does not hold enough money.',
    ERR_IDEMPOTENCY_CONFLICT: 'This request was already used for another transfer.',
    ERR_TRANSFER_CLOSED: 'This transfer no longer waits for a confirmation.',
    ERR_NOT_SIGNED_IN: 'Sign in first.',
    ERR_SESSION_IDLE: 'Your session ended after a time without activity. Sign in again.',
    ERR_CSRF: 'The page is out of date; reload it.',
    ERR_LOGIN_NOT_FOUND: 'This sign-in was started elsewhere or is over; start again.',
    ERR_NOT_CONFIGURED: 'Keeper is not registered with Cipherpad yet.',
    ERR_CIPHERPAD_UNAVAILABLE: 'Cipherpad does not answer right now; try again.',
    ERR_NETWORK: 'No connection to Keeper; try again.',
    ERR_RESPONSE_REJECTED:
      'Wrong response. A response made for another amount or purse is refused too. Attempts left: {attemptsLeft}.',
    ERR_CHALLENGE_EXPIRED: 'The challenge expired.',
    ERR_CHALLENGE_CLOSED: 'This confirmation is closed.',
    ERR_ACCOUNT_BLOCKED:
      'Too many failures: typed responses and codes are blocked. Try again in {retryAfter} s, or approve online in the Cipherpad app, which ends the block at once.',
    ERR_ACCOUNT_LOCKED:
      'The Cipherpad account is locked for typed responses and codes after repeated failures. To unlock it, approve a sign-in online in the Cipherpad app on an activated device; if no device is left, contact the operator of Cipherpad.',
    ERR_CONSENT_REQUIRED:
      'Allow Keeper in Cipherpad first (link below), then send the same response again.',
    ERR_CODE_INVALID: 'Wrong code. Attempts left: {attemptsLeft}.',
    ERR_CODE_EXPIRED: 'The code expired.',
    ERR_SMS_DAILY_LIMIT: 'This phone had its SMS codes for today; try later.',
    ERR_RATE_LIMITED_SITE: 'Too many requests; wait a little.',
    ERR_RATE_LIMITED_FAILURES:
      'Too many wrong responses from this network: try again in {retryAfter} s.',
  },
  ru: {
    ERR_VALIDATION: 'Проверьте введённые данные.',
    ERR_AMOUNT_INVALID: 'Сумма больше нуля, не более 2 знаков после запятой.',
    ERR_PURSE_INVALID: 'Кошелёк — это буква и 12 цифр, например Z123456789012.',
    ERR_EMAIL_INVALID: 'Неверный адрес email.',
    ERR_PHONE_INVALID: 'Неверный номер телефона.',
    ERR_PURSE_NOT_FOUND: 'Кошелька с таким номером нет.',
    ERR_CURRENCY_MISMATCH: 'Кошелёк получателя в другой валюте.',
    ERR_SAME_PURSE: 'Нельзя перевести на тот же кошелёк.',
    ERR_INSUFFICIENT_FUNDS: 'На кошельке недостаточно средств.',
    ERR_IDEMPOTENCY_CONFLICT: 'Этот запрос уже использован для другого перевода.',
    ERR_TRANSFER_CLOSED: 'Этот перевод больше не ждёт подтверждения.',
    ERR_NOT_SIGNED_IN: 'Сначала войдите.',
    ERR_SESSION_IDLE: 'Сеанс завершён после периода без активности. Войдите снова.',
    ERR_CSRF: 'Страница устарела; обновите её.',
    ERR_LOGIN_NOT_FOUND: 'Этот вход начат в другом месте или завершён; начните заново.',
    ERR_NOT_CONFIGURED: 'Keeper ещё не зарегистрирован в Cipherpad.',
    ERR_CIPHERPAD_UNAVAILABLE: 'Cipherpad сейчас не отвечает; повторите попытку.',
    ERR_NETWORK: 'Нет связи с Keeper; повторите попытку.',
    ERR_RESPONSE_REJECTED:
      'Неверный ответ. Ответ для другой суммы или кошелька тоже не подходит. Осталось попыток: {attemptsLeft}.',
    ERR_CHALLENGE_EXPIRED: 'Срок вызова истёк.',
    ERR_CHALLENGE_CLOSED: 'Это подтверждение закрыто.',
    ERR_ACCOUNT_BLOCKED:
      'Слишком много ошибок: ввод ответов и кодов заблокирован. Повторите через {retryAfter} с или подтвердите онлайн в приложении Cipherpad — это сразу снимет блокировку.',
    ERR_ACCOUNT_LOCKED:
      'Ввод ответов и кодов для учётной записи Cipherpad заблокирован после повторных ошибок. Чтобы разблокировать его, подтвердите вход онлайн в приложении Cipherpad на активированном устройстве; если устройств не осталось, обратитесь к оператору Cipherpad.',
    ERR_CONSENT_REQUIRED:
      'Сначала разрешите Keeper в Cipherpad (ссылка ниже), затем отправьте тот же ответ ещё раз.',
    ERR_CODE_INVALID: 'Неверный код. Осталось попыток: {attemptsLeft}.',
    ERR_CODE_EXPIRED: 'Срок кода истёк.',
    ERR_SMS_DAILY_LIMIT: 'На этот телефон на сегодня SMS больше не отправить; попробуйте позже.',
    ERR_RATE_LIMITED_SITE: 'Слишком много запросов; подождите немного.',
    ERR_RATE_LIMITED_FAILURES:
      'Слишком много неверных ответов из этой сети: повторите через {retryAfter} с.',
  },
};

const STORAGE_KEY = 'keeper.lang';
let current: Lang = 'en';

/** Fills `{name}` placeholders. */
function fill(text: string, params: Record<string, unknown> = {}): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    params[name] === undefined ? whole : String(params[name]),
  );
}

/** A text in the current language. */
export function t(key: MessageKey, params?: Record<string, unknown>): string {
  return fill((current === 'ru' ? ru : en)[key], params);
}

/** The message of an API error code in the current language, with its details. */
export function errorText(code: string, details: Record<string, unknown> = {}): string {
  return errorTextIn(current, code, details) ?? t('err.generic', { code });
}

/** The message of an API error code in `lang`, with its details; null for a code without one. */
export function errorTextIn(
  lang: Lang,
  code: string,
  details: Record<string, unknown> = {},
): string | null {
  const text = ERRORS[lang][code];
  return text ? fill(text, details) : null;
}

/** The current language. */
export function currentLang(): Lang {
  return current;
}

/** Picks the saved language, else the browser's (Russian for `ru*`, English otherwise). */
export function initLang(): void {
  let saved: string | null = null;
  try {
    saved = localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage may be disabled; the browser's language decides.
  }
  const browser = (navigator.languages ?? [navigator.language])[0] ?? 'en';
  current =
    saved === 'ru' || saved === 'en' ? saved : browser.toLowerCase().startsWith('ru') ? 'ru' : 'en';
  document.documentElement.lang = current;
}

/** Switches and remembers the language. */
export function setLang(lang: Lang): void {
  current = lang;
  document.documentElement.lang = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Not remembered; applies to this page.
  }
}
