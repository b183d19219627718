from django.conf import settings


def demo(request):
    """In demo mode, pages show the synthetic-data banner and the login page the demo
    accounts."""
    if not settings.DEMO_MODE:
        return {"DEMO_MODE": False}
    from shanzhi.demo.seed import DEMO_PASSWORD, DEMO_USERNAMES

    return {"DEMO_MODE": True, "DEMO_PASSWORD": DEMO_PASSWORD, "DEMO_USERNAMES": DEMO_USERNAMES}
