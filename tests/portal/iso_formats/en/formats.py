from tests.portal.iso_formats.vi.formats import *  # noqa: F401,F403
