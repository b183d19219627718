import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import identify_hasher
from django.urls import reverse
from django.utils import translation

from shanzhi.demo.seed import DEMO_PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = reverse("login")


def post_login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_login_with_username(client):
    response = post_login(client, "gridworker", DEMO_PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).context["user"].username == "gridworker"


def test_login_with_phone(client, persona):
    phone = persona("community").phone
    response = post_login(client, phone, DEMO_PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"].username == "community"


def test_login_with_formatted_phone(client, persona):
    phone = persona("community").phone
    response = post_login(client, f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}", DEMO_PASSWORD)
    assert response.status_code == 302


def test_wrong_password_is_refused_with_a_translated_message(client):
    response = post_login(client, "gridworker", "wrong-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "用户名/手机号或密码错误" in response.content.decode()


def test_wrong_password_in_english(client):
    with translation.override("en"):
        client.cookies["django_language"] = "en"
        response = post_login(client, "gridworker", "wrong-password")
    assert "The username/mobile number or the password is wrong." in response.content.decode()


def test_unknown_user_is_refused(client):
    response = post_login(client, "nobody-here", DEMO_PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_for_that_address(client, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        post_login(client, "leader", "wrong-password")
    response = post_login(client, "leader", DEMO_PASSWORD)  # even the right password
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "登录失败次数过多" in response.content.decode()
    # Other accounts are not locked.
    assert post_login(client, "auditor", DEMO_PASSWORD).status_code == 302


def test_success_resets_the_failure_count(client, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        post_login(client, "legal", "wrong-password")
    assert post_login(client, "legal", DEMO_PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        post_login(client, "legal", "wrong-password")
    assert post_login(client, "legal", DEMO_PASSWORD).status_code == 302


def test_passwords_are_hashed_with_argon2(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    user = get_user_model()(username="argon")
    user.set_password("a long enough passphrase")
    assert identify_hasher(user.password).algorithm == "argon2"


def test_logout_needs_post(client_as):
    client = client_as("gridworker")
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_inactive_user_cannot_sign_in(client, persona):
    user = persona("socialorg")
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    assert post_login(client, "socialorg", DEMO_PASSWORD).status_code == 200
    assert "_auth_user_id" not in client.session


def spellings(phone):
    return [
        phone,
        f"+86{phone}",
        f"0086 {phone}",
        f"{phone[:3]} {phone[3:7]} {phone[7:]}",
        f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}",
    ]


def test_failures_count_per_account_whatever_the_phone_spelling(client, persona, settings):
    user = persona("leader")
    assert settings.LOGIN_FAILURE_LIMIT == 5
    responses = [post_login(client, s, "wrong-password") for s in spellings(user.phone)]
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    # Locked: by any spelling, and by the username, even with the right password.
    assert post_login(client, f"+86{user.phone}", DEMO_PASSWORD).status_code == 429
    assert post_login(client, "leader", DEMO_PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_unknown_phone_spellings_count_together(client, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    post_login(client, "13812345678", "x")
    post_login(client, "+86 138-1234-5678", "x")
    assert post_login(client, "0086 138 1234 5678", "x").status_code == 429


def test_an_address_failing_on_many_accounts_is_locked(client, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    responses = [post_login(client, u, "wrong-password") for u in ("leader", "legal", "community")]
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert post_login(client, "auditor", DEMO_PASSWORD).status_code == 429
    other = client.__class__(REMOTE_ADDR="10.9.8.7")
    assert post_login(other, "auditor", DEMO_PASSWORD).status_code == 302


def test_behind_the_proxy_failures_count_per_forwarded_address(client, settings):
    settings.BEHIND_PROXY = True
    attacker = {"HTTP_X_FORWARDED_FOR": "198.51.100.7, 203.0.113.9"}
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "legal", "password": "x"}, **attacker)
    response = client.post(LOGIN, {"username": "legal", "password": DEMO_PASSWORD}, **attacker)
    assert response.status_code == 429
    # The same account from another client behind the same proxy is not locked.
    colleague = {"HTTP_X_FORWARDED_FOR": "203.0.113.10"}
    response = client.post(LOGIN, {"username": "legal", "password": DEMO_PASSWORD}, **colleague)
    assert response.status_code == 302


def test_client_address_is_read_from_the_proxy_only_behind_one(rf, settings):
    from shanzhi.core.auth import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 5.6.7.8", REMOTE_ADDR="127.0.0.1")
    settings.BEHIND_PROXY = False
    assert client_ip(request) == "127.0.0.1"
    settings.BEHIND_PROXY = True
    assert client_ip(request) == "5.6.7.8"  # what the proxy appended, not what was sent
    forged = rf.get("/", HTTP_X_FORWARDED_FOR="not-an-address", REMOTE_ADDR="127.0.0.1")
    assert client_ip(forged) == "127.0.0.1"
