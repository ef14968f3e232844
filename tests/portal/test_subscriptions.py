"""Citizens follow a target or a department (issue 21 item 5): double opt-in, one-click
unsubscribe in every message (opening a link changes nothing: its page's button, or a mail
client's RFC 8058 post, acts), a digest after a verified value / node target / completion, at most
one a day, through the outbox after commit; only the address and what it follows is stored, and
the subscriber deletes it (个人信息保护法)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from execution.services import progress as reports
from notifications.models import Notification
from portal import subscriptions
from portal.models import Follow, PublicEvent, Subscription

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(/gongkai/subscriptions/[^\s]+/(?:confirm|unsubscribe)/)")


def mail_to(mailoutbox, email="citizen@example.com"):
    """The messages to one citizen (the workflow also e-mails the department's users)."""
    return [m for m in mailoutbox if m.to == [email]]


def links(message) -> dict[str, str]:
    return {path.rstrip("/").rsplit("/", 1)[-1]: path for path in LINK.findall(message.body)}


def subscribe(client, target, email="citizen@example.com", capture=None):
    with capture(execute=True):
        return client.post(reverse("portal:subscribe"), {"email": email, "target": target.pk})


def verify(report, office, capture, value="6.2"):
    with capture(execute=True):
        reports.progress_report_verify(
            report=report, by=office, verified_value=Decimal(value), reason="按统计快报核定"
        )


def test_subscribing_sends_one_confirmation_and_nothing_else_until_confirmed(
    client,
    published,
    target,
    submitted_report,
    office,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    response = subscribe(client, target, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "请查收确认邮件" in response.content.decode()
    mails = mail_to(mailoutbox)
    assert len(mails) == 1
    assert "请确认订阅" in mails[0].subject
    assert set(links(mails[0])) == {"confirm", "unsubscribe"}
    # Unconfirmed: a verified value tells nobody.
    verify(submitted_report, office, django_capture_on_commit_callbacks)
    assert len(mail_to(mailoutbox)) == 1
    assert PublicEvent.objects.count() == 1


def test_the_whole_round_confirm_notice_unsubscribe_delete(
    client,
    published,
    target,
    submitted_report,
    office,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    subscribe(client, target, capture=django_capture_on_commit_callbacks)
    confirm = links(mail_to(mailoutbox)[0])["confirm"]
    assert "确认订阅" in client.get(confirm).content.decode()
    assert "订阅已确认" in client.post(confirm).content.decode()
    verify(submitted_report, office, django_capture_on_commit_callbacks)
    assert len(mail_to(mailoutbox)) == 2
    notice = mail_to(mailoutbox)[1]
    assert "1条新动态" in notice.subject
    assert "审核值 6.2%" in notice.body
    assert notice.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = links(notice)["unsubscribe"]
    assert notice.extra_headers["List-Unsubscribe"].endswith(f"{unsubscribe}>")
    assert "c***@example.com" in client.get(unsubscribe).content.decode()
    page = client.post(unsubscribe).content.decode()
    assert "您已退订" in page
    assert not Follow.objects.exists()
    token = Subscription.objects.get().token
    client.post(reverse("portal:subscription_delete", args=[token]))
    assert not Subscription.objects.exists()
    assert not Notification.objects.filter(recipient_email="citizen@example.com").exists()


def test_one_click_post_unsubscribes_without_a_token_form(
    client, published, target, django_capture_on_commit_callbacks, mailoutbox
):
    subscribe(client, target, capture=django_capture_on_commit_callbacks)
    unsubscribe = links(mail_to(mailoutbox)[0])["unsubscribe"]
    response = client.post(unsubscribe, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 204
    assert not Follow.objects.exists()


def test_at_most_one_digest_a_day(
    published, target, submitted_report, office, mailoutbox, django_capture_on_commit_callbacks
):
    subscription = subscriptions.subscription_request(
        email="a@example.com", public_target=published
    )
    subscriptions.subscription_confirm(token=subscription.token)
    verify(submitted_report, office, django_capture_on_commit_callbacks)
    from execution.services.progress import milestone_set_status
    from targets.models import Milestone

    with django_capture_on_commit_callbacks(execute=True):
        milestone_set_status(
            milestone=Milestone.objects.get(target=target, quarter=2),
            by=office,
            status="achieved",
            reason="提前完成",
        )
    digests = [m for m in mailoutbox if "新动态" in m.subject]
    assert len(digests) == 1
    # Tomorrow's digest brings what came after the first one.
    with django_capture_on_commit_callbacks(execute=True):
        subscriptions.digests_send(today=datetime.date.today() + datetime.timedelta(days=1))
    digests = [m for m in mailoutbox if "新动态" in m.subject]
    assert len(digests) == 2
    assert "第2季度节点目标已完成" in digests[1].body
    assert "审核值" not in digests[1].body


def test_following_a_department_hears_about_its_targets(
    published, dept_a, submitted_report, office, mailoutbox, django_capture_on_commit_callbacks
):
    subscription = subscriptions.subscription_request(email="d@example.com", department=dept_a)
    subscriptions.subscription_confirm(token=subscription.token)
    verify(submitted_report, office, django_capture_on_commit_callbacks)
    assert any("新动态" in m.subject for m in mailoutbox)


def test_only_the_address_and_what_it_follows_is_stored(
    client, published, target, django_capture_on_commit_callbacks
):
    subscribe(client, target, capture=django_capture_on_commit_callbacks)
    fields = {f.name for f in Subscription._meta.concrete_fields}
    assert fields == {"id", "email", "token", "confirmed_at", "created_at", "last_event_id"}
    assert Follow.objects.get().public_target == published


def test_bad_input_is_refused(client, a_draft, published, target):
    response = client.post(
        reverse("portal:subscribe"), {"email": "not-an-address", "target": target.pk}
    )
    assert response.status_code == 400
    assert "有效的电子邮箱" in response.content.decode()
    response = client.post(
        reverse("portal:subscribe"), {"email": "x@example.com", "target": a_draft.pk}
    )
    assert response.status_code == 404
    assert not Subscription.objects.exists()


def test_subscribing_is_rate_limited_per_address(client, settings, published, target):
    settings.RATELIMIT_ENABLE = True
    settings.PORTAL_RATE_SUBSCRIBE = "2/h"
    for n in range(2):
        assert (
            client.post(
                reverse("portal:subscribe"), {"email": f"{n}@example.com", "target": target.pk}
            ).status_code
            == 200
        )
    response = client.post(
        reverse("portal:subscribe"), {"email": "3@example.com", "target": target.pk}
    )
    assert response.status_code == 429
    other = client.post(
        reverse("portal:subscribe"),
        {"email": "4@example.com", "target": target.pk},
        REMOTE_ADDR="10.0.0.9",
    )
    assert other.status_code == 200


def test_an_unknown_token_answers_404(client):
    for name in ("portal:confirm", "portal:unsubscribe"):
        url = reverse(name, args=["nope"])
        assert client.get(url).status_code == 404
        assert client.head(url).status_code == 404
        assert client.post(url).status_code == 404
        assert "链接无效或订阅已删除" in client.post(url).content.decode()
    one_click = {"List-Unsubscribe": "One-Click"}
    assert client.post(reverse("portal:unsubscribe", args=["nope"]), one_click).status_code == 404


def test_the_messages_go_through_the_notification_outbox_and_reach_no_users_inbox(
    client,
    published,
    target,
    submitted_report,
    office,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    subscribe(client, target, capture=django_capture_on_commit_callbacks)
    client.post(links(mail_to(mailoutbox)[0])["confirm"])
    verify(submitted_report, office, django_capture_on_commit_callbacks)
    rows = Notification.objects.filter(recipient_email="citizen@example.com").order_by("id")
    today = datetime.date.today().isoformat()
    assert [(n.kind, n.key, n.email_status) for n in rows] == [
        ("portal.confirm", f"portal.confirm:{today}", "sent"),
        ("portal.digest", f"portal.digest:{today}", "sent"),
    ]
    assert all(n.recipient_id is None for n in rows)
    # A second run of the day writes nothing: the outbox's key of the day is taken.
    assert subscriptions.digests_send() == 0
    client.force_login(office)
    page = client.get(reverse("notifications:list"))
    assert not any(n.recipient_id is None for n in page.context["page_obj"])


def test_unsubscribing_drops_the_messages_not_sent_yet(client, published, target):
    # No commit callbacks run here: the confirmation e-mail is still waiting in the outbox.
    client.post(reverse("portal:subscribe"), {"email": "citizen@example.com", "target": target.pk})
    waiting = Notification.objects.filter(recipient_email="citizen@example.com")
    assert list(waiting.values_list("email_status", flat=True)) == ["pending"]
    token = Subscription.objects.get().token
    subscriptions.subscription_confirm(token=token)
    page = client.post(reverse("portal:unsubscribe", args=[token])).content.decode()
    assert "您已退订" in page and "删除我的全部数据" in page
    assert not waiting.exists()
    # A confirmed address is kept until its owner deletes it (the button on the page).
    assert Subscription.objects.filter(token=token).exists()


def test_unsubscribing_an_unconfirmed_address_deletes_it_at_once(
    client, published, target, mailoutbox, django_capture_on_commit_callbacks
):
    subscribe(client, target, capture=django_capture_on_commit_callbacks)
    sent = Notification.objects.filter(recipient_email="citizen@example.com")
    assert list(sent.values_list("email_status", flat=True)) == ["sent"]
    unsubscribe = links(mail_to(mailoutbox)[0])["unsubscribe"]
    response = client.post(unsubscribe)
    page = response.content.decode()
    assert response.status_code == 200
    assert "我们已删除您的邮箱地址" in page and "删除我的全部数据" not in page
    assert not Subscription.objects.exists() and not Follow.objects.exists()
    assert not sent.exists()  # the confirmation sent to it too
    # Its links are dead from now on.
    assert client.get(unsubscribe).status_code == 404
    assert client.post(unsubscribe).status_code == 404
    assert client.get(links(mail_to(mailoutbox)[0])["confirm"]).status_code == 404
    assert client.post(links(mail_to(mailoutbox)[0])["confirm"]).status_code == 404


def test_one_click_on_an_unconfirmed_address_deletes_it(
    client, published, target, mailoutbox, django_capture_on_commit_callbacks
):
    subscribe(client, target, capture=django_capture_on_commit_callbacks)
    unsubscribe = links(mail_to(mailoutbox)[0])["unsubscribe"]
    assert client.post(unsubscribe, {"List-Unsubscribe": "One-Click"}).status_code == 204
    assert not Subscription.objects.exists()


def test_a_refused_subscription_answers_through_the_public_error_path(client, published, target):
    """The portal's views catch nothing (``tests/deploy/test_house_rules.py``):
    ``workflow.pages.public_errors`` renders the refusal on the portal's message page, in the
    reader's language, with the service's message (alone: the field's problem would repeat it)
    and its status."""
    response = client.post(reverse("portal:subscribe"), {"email": "nobody", "target": target.pk})
    assert response.status_code == 400
    assert [t.name for t in response.templates][:2] == ["portal/message.html", "portal/base.html"]
    assert response.context["title"] == "未能订阅"
    assert response.context["message"] == "请填写有效的电子邮箱。"
    english = client.post(
        reverse("portal:subscribe") + "?lang=en", {"email": "nobody", "target": target.pk}
    )
    assert english.status_code == 400 and "Could not subscribe" in english.content.decode()
    response = client.get(reverse("portal:confirm", args=["nope"]))
    assert response.status_code == 404
    assert (response.context["title"], response.context["message"]) == (
        "链接无效",
        "链接无效或订阅已删除。",
    )


def test_a_second_subscription_the_same_day_sends_no_second_confirmation(
    client, published, target, dept_a, mailoutbox, django_capture_on_commit_callbacks
):
    subscribe(client, target, capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("portal:subscribe"), {"email": "citizen@example.com", "department": dept_a.pk}
        )
    assert len(mail_to(mailoutbox)) == 1
    assert Follow.objects.count() == 2


def test_deleting_ones_data_leaves_other_subscribers_messages(client, published, target):
    for email in ("citizen@example.com", "other@example.com"):
        client.post(reverse("portal:subscribe"), {"email": email, "target": target.pk})
    token = Subscription.objects.get(email="citizen@example.com").token
    response = client.post(reverse("portal:subscription_delete", args=[token]))
    assert "数据已删除" in response.content.decode()
    assert list(Notification.objects.values_list("recipient_email", flat=True)) == [
        "other@example.com"
    ]
    assert list(Subscription.objects.values_list("email", flat=True)) == ["other@example.com"]


# Opening a link changes nothing. Corporate mail scanners and link previewers fetch every link in
# a message (GET, sometimes HEAD): they must neither unsubscribe (nor delete an unconfirmed
# address) nor confirm an address its owner never saw. The link's page asks; its button posts.


def _form_posting_to(page: str, url: str) -> bool:
    return re.search(rf'<form method="post" action="{re.escape(url)}">', page) is not None


def test_opening_the_unsubscribe_link_of_a_confirmed_address_changes_nothing(
    client, published, target, django_capture_on_commit_callbacks
):
    subscribe(client, target, capture=django_capture_on_commit_callbacks)
    subscription = Subscription.objects.get()
    subscriptions.subscription_confirm(token=subscription.token)
    url = reverse("portal:unsubscribe", args=[subscription.token])
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert [t.name for t in response.templates][:2] == ["portal/message.html", "portal/base.html"]
    # The address masked (the link may have been forwarded), and a button posting to the link.
    assert "c***@example.com" in page and "citizen@example.com" not in page
    assert _form_posting_to(page, url) and "csrfmiddlewaretoken" in page
    assert "您已退订" not in page
    assert client.head(url).status_code == 200
    assert Follow.objects.filter(subscription=subscription).count() == 1
    assert Subscription.objects.get().confirmed_at is not None


def test_opening_the_unsubscribe_link_of_an_unconfirmed_address_keeps_it(
    client, published, target, mailoutbox, django_capture_on_commit_callbacks
):
    subscribe(client, target, capture=django_capture_on_commit_callbacks)
    url = links(mail_to(mailoutbox)[0])["unsubscribe"]
    for _ in range(2):
        assert client.get(url).status_code == 200
        assert client.head(url).status_code == 200
    page = client.get(url).content.decode()
    assert "从未确认" in page and _form_posting_to(page, url)
    assert Subscription.objects.filter(email="citizen@example.com", confirmed_at=None).exists()
    assert Follow.objects.count() == 1
    assert Notification.objects.filter(recipient_email="citizen@example.com").exists()


def test_the_unsubscribe_pages_button_unsubscribes_and_one_click_still_answers_204(
    published, target, django_capture_on_commit_callbacks
):
    """The page's form carries a CSRF token as usual; the view stays exempt for the mail
    client's RFC 8058 post, which has none (a client enforcing CSRF checks shows both work)."""
    client = Client(enforce_csrf_checks=True)
    subscribe(client, target, capture=django_capture_on_commit_callbacks)
    token = Subscription.objects.get().token
    subscriptions.subscription_confirm(token=token)
    url = reverse("portal:unsubscribe", args=[token])
    page = client.get(url).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(url, {"csrfmiddlewaretoken": csrf})
    assert response.status_code == 200
    assert "您已退订" in response.content.decode()
    assert "删除我的全部数据" in response.content.decode()
    assert not Follow.objects.exists() and Subscription.objects.filter(token=token).exists()
    # Following again, then the mail client's one click: no token, no cookie, 204.
    subscriptions.subscription_request(email="citizen@example.com", public_target=published)
    one_click = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 204 and one_click.content == b""
    assert not Follow.objects.exists()


def test_opening_the_confirmation_link_changes_nothing(
    client, published, target, mailoutbox, django_capture_on_commit_callbacks
):
    subscribe(client, target, capture=django_capture_on_commit_callbacks)
    url = links(mail_to(mailoutbox)[0])["confirm"]
    for _ in range(2):
        assert client.get(url).status_code == 200
        assert client.head(url).status_code == 200
    page = client.get(url).content.decode()
    assert "c***@example.com" in page and "citizen@example.com" not in page
    assert _form_posting_to(page, url) and "csrfmiddlewaretoken" in page
    assert "订阅已确认" not in page
    assert Subscription.objects.get().confirmed_at is None


def test_the_confirmation_pages_button_confirms(
    client,
    published,
    target,
    submitted_report,
    office,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    subscribe(client, target, capture=django_capture_on_commit_callbacks)
    url = links(mail_to(mailoutbox)[0])["confirm"]
    response = client.post(url)
    assert response.status_code == 200 and "订阅已确认" in response.content.decode()
    assert Subscription.objects.get().confirmed_at is not None
    # Opened again once confirmed, the link says so, with no button (and changes nothing).
    page = client.get(url).content.decode()
    assert "订阅已确认" in page and not _form_posting_to(page, url)
    verify(submitted_report, office, django_capture_on_commit_callbacks)
    assert any("新动态" in m.subject for m in mail_to(mailoutbox))


def test_the_link_pages_keep_the_readers_language(
    client, published, target, django_capture_on_commit_callbacks
):
    subscribe(client, target, capture=django_capture_on_commit_callbacks)
    token = Subscription.objects.get().token
    for name in ("portal:confirm", "portal:unsubscribe"):
        url = reverse(name, args=[token]) + "?lang=en"
        page = client.get(url).content.decode()
        assert '<html lang="en">' in page and _form_posting_to(page, url)
    response = client.post(reverse("portal:confirm", args=[token]) + "?lang=en")
    assert "Subscription confirmed" in response.content.decode()
    response = client.post(reverse("portal:unsubscribe", args=[token]) + "?lang=en")
    assert "Unsubscribed" in response.content.decode()


def test_the_emails_say_the_link_opens_a_page_with_a_button(
    client, published, target, mailoutbox, django_capture_on_commit_callbacks
):
    subscribe(client, target, capture=django_capture_on_commit_callbacks)
    body = mail_to(mailoutbox)[0].body
    assert "点击“确认订阅”" in body and "点击“退订”" in body
    assert "一键退订" not in body
