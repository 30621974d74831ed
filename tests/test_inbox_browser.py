"""The inbox page at ``/_sesmock/``, in a real browser: headless Chromium driven by Selenium.

A ``SesServer`` on 127.0.0.1 receives mail through boto3 (its ``endpoint_url``: nothing reaches
AWS); the page lists it, opens it (text, sandboxed HTML, events), follows new mail without a
reload, marks failed calls, and runs nothing of what an email carries.

Needs ``selenium`` and Debian's ``chromium`` and ``chromium-driver`` (``/usr/bin/chromium``,
``/usr/bin/chromedriver``); the module is skipped, saying why, when one is missing. Selenium
Manager never runs: the driver and the browser are named, so nothing is downloaded.
"""

from __future__ import annotations

import os
import shutil
import urllib.request
from collections.abc import Iterator
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path
from typing import Any

import boto3
import pytest

pytest.importorskip(
    "selenium", reason="the inbox browser test needs selenium (pip install selenium)"
)

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from pytest_sesmock import SesMock
from pytest_sesmock.server import SesServer

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


WAIT = 10  # seconds, at most, for anything the page shows
SENDER = "Acme <hello@example.com>"
MARKETING = {
    "Name": "marketing",
    "EventDestinations": [
        {
            "Name": "to-sns",
            "Enabled": True,
            "MatchingEventTypes": ["send", "delivery"],
            "SNSDestination": {"TopicARN": "arn:aws:sns:us-east-1:123456789012:events"},
        }
    ],
}
CHROME_ARGUMENTS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,900",
)


def chromium(profile: Path) -> WebDriver:
    """Headless Chromium with a fresh profile, through the driver Debian ships."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or "/usr/bin/chromium"
    for argument in CHROME_ARGUMENTS:
        options.add_argument(argument)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=CHROMEDRIVER or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(WAIT)
    driver.set_script_timeout(WAIT)
    return driver


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    if CHROMIUM is None or CHROMEDRIVER is None:
        why = (
            "the inbox browser test needs Chromium and its driver "
            "(apt-get install chromium chromium-driver)"
        )
        # CI installs them and sets this: there, a missing browser fails instead of skipping.
        if os.environ.get("SESMOCK_REQUIRE_BROWSER"):
            pytest.fail(why)
        pytest.skip(why)
    driver = chromium(tmp_path / "profile")
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[SesServer]:
    for name, value in (
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_DEFAULT_REGION", "us-east-1"),
    ):
        monkeypatch.setenv(name, value)
    mock = SesMock()
    mock.add_configuration_set(MARKETING)
    with SesServer(mock, store_size=100) as running:
        yield running


def client(server: SesServer) -> Any:
    return boto3.client(
        "ses",
        region_name="us-east-1",
        endpoint_url=server.endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def send(ses: Any, subject: str, text: str, html: str, to: str = "ada@example.com") -> str:
    sent = ses.send_email(
        Source=SENDER,
        Destination={"ToAddresses": [to]},
        Message={
            "Subject": {"Data": subject},
            "Body": {"Text": {"Data": text}, "Html": {"Data": html}},
        },
        ConfigurationSetName="marketing",
        Tags=[{"Name": "campaign", "Value": "welcome"}],
    )
    return str(sent["MessageId"])


def inbox_url(server: SesServer) -> str:
    return server.endpoint_url + "_sesmock/"


def wait(driver: WebDriver, condition: Any, what: str) -> Any:
    return WebDriverWait(driver, WAIT, poll_frequency=0.1).until(
        condition, f"the page did not show {what} within {WAIT} s"
    )


def row(driver: WebDriver, message_id: str) -> WebElement:
    """The message's row in the list, once the page shows it."""
    selector = f'#messages li[data-message-id="{message_id}"]'
    found: WebElement = wait(
        driver, lambda d: (d.find_elements(By.CSS_SELECTOR, selector) or [None])[0], message_id
    )
    return found


def open_message(driver: WebDriver, message_id: str) -> WebElement:
    """Click the message's row; the detail pane once it shows that message."""
    row(driver, message_id).click()
    selector = f'#message[data-message-id="{message_id}"] #events'
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, selector), f"{message_id} opened")
    return driver.find_element(By.ID, "message")


def text_of(element: WebElement) -> str:
    """All the text inside, shown or folded away (``.text`` is only what is visible)."""
    return str(element.get_attribute("textContent"))


def no_alert(driver: WebDriver) -> bool:
    try:
        driver.switch_to.alert  # noqa: B018 (raises when there is none)
    except NoAlertPresentException:
        return True
    return False


def csp_violations(driver: WebDriver) -> list[str]:
    return [
        entry["message"]
        for entry in driver.get_log("browser")
        if "Content Security Policy" in entry["message"]
    ]


def test_the_page_is_served_with_its_content_security_policy(server: SesServer) -> None:
    with urllib.request.urlopen(inbox_url(server), timeout=WAIT) as answer:
        policy = answer.headers["Content-Security-Policy"]
        page = answer.read().decode()
    assert answer.status == 200
    assert "default-src 'none'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert 'src="inbox.js"' in page
    assert 'href="inbox.css"' in page


def test_the_inbox_lists_opens_and_follows_new_mail(server: SesServer, browser: WebDriver) -> None:
    ses = client(server)
    first = send(
        ses,
        "Welcome to Acme",
        "Hi Ada,\nthanks for signing up.",
        "<style>h1 { color: #990000 }</style><h1>Welcome, Ada</h1><p>Thanks for signing up.</p>",
    )
    browser.get(inbox_url(server))

    # The list: the message with its set, tag, outcome and event counts.
    listed = row(browser, first)
    assert "Welcome to Acme" in listed.text
    assert "ada@example.com" in listed.text
    assert "marketing" in listed.text
    assert "campaign=welcome" in listed.text
    assert "delivered" in listed.text
    # The configuration set and its destination; the store's counts in the header.
    sets = browser.find_element(By.ID, "configuration-sets")
    wait(browser, lambda _: "to-sns" in sets.text, "the set's event destination")
    for shown in ("marketing", "to-sns", "SNS", "arn:aws:sns:us-east-1:123456789012:events"):
        assert shown in sets.text
    assert "SEND" in sets.text.upper()
    assert "DELIVERY" in sets.text.upper()
    assert browser.find_element(By.ID, "store").text != ""

    # Opened: its text, its HTML in an iframe sandboxed with nothing allowed, its events.
    detail = open_message(browser, first)
    assert detail.find_element(By.TAG_NAME, "h2").text == "Welcome to Acme"
    assert "thanks for signing up." in text_of(detail.find_element(By.CSS_SELECTOR, "pre.text"))
    frame = detail.find_element(By.CSS_SELECTOR, "iframe")
    assert frame.get_attribute("sandbox") == ""
    # The HTML part is a page of its own, whose policy lets the email's styles show.
    assert frame.get_attribute("src").endswith(f"/_sesmock/messages/{first}/html")
    browser.switch_to.frame(frame)
    try:
        heading = wait(browser, lambda b: b.find_elements(By.TAG_NAME, "h1"), "the HTML part")[0]
        assert heading.text == "Welcome, Ada"
        assert heading.value_of_css_property("color") in ("rgba(153, 0, 0, 1)", "rgb(153, 0, 0)")
    finally:
        browser.switch_to.default_content()
    events = browser.find_elements(By.CSS_SELECTOR, "#events li[data-event-type]")
    assert [e.get_attribute("data-event-type") for e in events] == ["Send", "Delivery"]
    recorded = server.mock.events
    assert [e.event_type for e in recorded] == ["Send", "Delivery"]
    for shown, held in zip(events, recorded, strict=True):
        assert "to-sns" in shown.text
        assert "arn:aws:sns:us-east-1:123456789012:events" in shown.text
        assert "ada@example.com" in shown.text
        assert ("published" if held.delivery == "published" else held.delivery) in shown.text
        assert '"eventType"' in text_of(shown)  # the record, as pretty JSON

    # New mail appears without a reload; the opened message stays open.
    second = send(ses, "Your receipt", "Total: 42", "<p>Total: <b>42</b></p>", "bob@example.com")
    row(browser, second)
    rows = browser.find_elements(By.CSS_SELECTOR, "#messages li[data-message-id]")
    assert [r.get_attribute("data-message-id") for r in rows] == [second, first]  # newest first
    assert browser.find_element(By.CSS_SELECTOR, "#message h2").text == "Welcome to Acme"
    assert "selected" in str(row(browser, first).get_attribute("class"))

    # Calls, a failed one visibly marked with its code and hint.
    with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException):
        ses.describe_configuration_set(ConfigurationSetName="marketng")
    failed = wait(
        browser,
        lambda d: d.find_elements(By.CSS_SELECTOR, "#calls tr.error"),
        "the failed call",
    )
    assert len(failed) == 1
    assert "DescribeConfigurationSet" in failed[0].text
    assert "ConfigurationSetDoesNotExist" in failed[0].text
    assert (server.mock.calls[-1].hint or "") in failed[0].text
    calls = browser.find_element(By.ID, "calls").text
    assert calls.count("SendEmail") == 2

    assert csp_violations(browser) == []


XSS_SUBJECT = "<script>window.__xss=1</script><img src=x onerror=alert(1)>"
XSS_HTML = (
    '<img src=x onerror="parent.__xss=2;window.__xss=2">'
    "<script>parent.__xss=3;window.__xss=3;alert(3)</script><p>plain words</p>"
)


def raw_attack() -> bytes:
    message = MIMEMultipart("alternative")
    message["Subject"] = "<img src=x onerror=window.__xss=4>"
    message["From"] = '"<script>window.__xss=5</script>" <mallory@example.com>'
    message["To"] = "ada@example.com"
    # A tag's value from the header is not checked: SES sends the message whatever it holds.
    message["X-SES-MESSAGE-TAGS"] = "campaign=<script>window.__xss=8</script>"
    message.attach(MIMEText("<b>not bold</b>", "plain"))
    message.attach(
        MIMEText("<script>parent.__xss=6;window.__xss=6</script><p>raw html</p>", "html")
    )
    return message.as_bytes()


def test_nothing_in_an_email_runs(server: SesServer, browser: WebDriver) -> None:
    ses = client(server)
    plain = send(ses, XSS_SUBJECT, "<script>window.__xss=7</script>", XSS_HTML)
    raw = ses.send_raw_email(RawMessage={"Data": raw_attack()}, ConfigurationSetName="marketing")[
        "MessageId"
    ]
    assert server.mock.messages[-1].tags == {"campaign": "<script>window.__xss=8</script>"}
    browser.get(inbox_url(server))

    # Shown as the literal text it is, in the list and opened.
    assert XSS_SUBJECT in row(browser, plain).text
    assert "<img src=x onerror=window.__xss=4>" in row(browser, raw).text
    assert '"<script>window.__xss=5</script>" <mallory@example.com>' in row(browser, raw).text
    assert "campaign=<script>window.__xss=8</script>" in row(browser, raw).text
    detail = open_message(browser, plain)
    assert detail.find_element(By.TAG_NAME, "h2").text == XSS_SUBJECT
    assert detail.find_element(By.CSS_SELECTOR, "iframe").get_attribute("sandbox") == ""
    assert text_of(detail.find_element(By.CSS_SELECTOR, "pre.text")) == (
        "<script>window.__xss=7</script>"
    )
    detail = open_message(browser, raw)
    assert detail.find_element(By.TAG_NAME, "h2").text == "<img src=x onerror=window.__xss=4>"
    frame = detail.find_element(By.CSS_SELECTOR, "iframe")
    assert frame.get_attribute("sandbox") == ""
    assert "<script>" in text_of(detail.find_element(By.CSS_SELECTOR, "pre.raw"))

    # The email's HTML is in its frame, and its script did not run there either.
    browser.switch_to.frame(frame)
    try:
        shown = wait(browser, lambda b: b.find_elements(By.TAG_NAME, "p"), "the HTML part")
        assert shown[0].text == "raw html"
        assert browser.execute_script("return window.__xss === undefined") is True
    finally:
        browser.switch_to.default_content()

    # Nothing ran in the page: no global set, no alert, no element but the page's own.
    assert no_alert(browser)
    assert browser.execute_script("return window.__xss === undefined") is True
    assert browser.execute_script("return document.scripts.length") == 1
    assert browser.execute_script("return document.images.length") == 0
    assert csp_violations(browser) == []


def test_what_the_store_dropped_is_shown(browser: WebDriver) -> None:
    mock = SesMock()
    mock.add_configuration_set(MARKETING)
    with SesServer(mock, store_size=2) as server:
        ses = client(server)
        for number in range(3):
            send(ses, f"Number {number}", "text", "<p>html</p>")
        browser.get(inbox_url(server))
        store = browser.find_element(By.ID, "store")
        wait(browser, lambda _: "dropped" in store.text, "what the store dropped")
        assert "2 messages" in store.text
        assert "1 dropped" in store.text
        counts = browser.find_element(By.ID, "messages-count")
        assert counts.text == "2 held · 1 dropped"
        titles = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "#messages .subject")]
        assert titles == ["Number 2", "Number 1"]
