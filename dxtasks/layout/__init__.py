"""The site's frame, shared by every app's pages: base.html, its template tags, the navigation.

It knows no app: the navigation lists what each installed app registers
(`navigation.Entry`, from an AppConfig's `navigation_entries()`), so the
calendars', reminders' and briefings' pages extend `base.html` without
depending on the portal.
"""
