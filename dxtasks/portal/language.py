"""Vietnamese unless the user chose English: the language comes from the switch, not the browser.

Django's LocaleMiddleware falls back to the browser's Accept-Language, so
staff with an English-language browser would get English pages without
asking for them. This subclass reads only the language cookie that the
switch (`/i18n/setlang/`) sets, else LANGUAGE_CODE ("vi").
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
