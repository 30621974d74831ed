"""Take the inbox page's screenshot for the documentation: ``docs/images/inbox.png``.

    python tests/inbox_screenshot.py [PATH]

A ``SesServer`` on 127.0.0.1 receives a few realistic messages through boto3 (its
``endpoint_url``: nothing reaches AWS), one call fails, and headless Chromium (as in
``test_inbox_browser.py``: Debian's ``chromium`` and ``chromium-driver``, nothing downloaded)
opens the inbox with one message opened and saves a 1280x900 PNG.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import boto3
from selenium.webdriver.common.by import By
from test_inbox_browser import chromium, open_message, wait

from pytest_sesmock import SesMock
from pytest_sesmock.server import SesServer

ROOT = Path(__file__).resolve().parent.parent
WIDTH, HEIGHT = 1280, 900

SETS = [
    {
        "Name": "marketing",
        "EventDestinations": [
            {
                "Name": "to-sns",
                "Enabled": True,
                "MatchingEventTypes": ["send", "delivery", "bounce", "complaint"],
                "SNSDestination": {"TopicARN": "arn:aws:sns:us-east-1:123456789012:ses-events"},
            },
            {
                "Name": "metrics",
                "Enabled": False,
                "MatchingEventTypes": ["open", "click"],
                "CloudWatchDestination": {
                    "DimensionConfigurations": [
                        {
                            "DimensionName": "campaign",
                            "DimensionValueSource": "messageTag",
                            "DefaultDimensionValue": "none",
                        }
                    ]
                },
            },
        ],
    },
    {"Name": "transactional"},
]

WELCOME_HTML = """\
<h1>Welcome to Acme, Ada</h1>
<p>Thanks for signing up. Your workspace <b>ada-lab</b> is ready.</p>
<p>Three things to try first:</p>
<ol><li>Invite your team</li><li>Connect a data source</li><li>Build your first report</li></ol>
<p>See you inside,<br>The Acme team</p>
"""
WELCOME_TEXT = """\
Welcome to Acme, Ada

Thanks for signing up. Your workspace ada-lab is ready.
"""


def send(ses: Any, to: str, subject: str, text: str, html: str | None = None, **more: Any) -> str:
    body = {"Text": {"Data": text}}
    if html is not None:
        body["Html"] = {"Data": html}
    sent = ses.send_email(
        Source="Acme <hello@acme.example>",
        Destination={"ToAddresses": [to]},
        Message={"Subject": {"Data": subject}, "Body": body},
        **more,
    )
    time.sleep(0.05)  # distinct times in the list
    return str(sent["MessageId"])


def main(path: Path) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ[name] = "testing"
    mock = SesMock()
    for declared in SETS:
        mock.add_configuration_set(declared)
    with SesServer(mock, store_size=100) as server:
        ses = boto3.client(
            "ses",
            region_name="us-east-1",
            endpoint_url=server.endpoint_url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        marketing = {
            "ConfigurationSetName": "marketing",
            "Tags": [{"Name": "campaign", "Value": "welcome"}],
        }
        send(
            ses,
            "grace@example.com",
            "Reset your password",
            "Use this code: 493 201",
            "<p>Use this code: <b>493 201</b></p>",
            ConfigurationSetName="transactional",
        )
        send(
            ses,
            "bounce@simulator.amazonses.com",
            "Welcome to Acme, Linus",
            "Welcome!",
            "<p>Welcome!</p>",
            **marketing,
        )
        welcome = send(
            ses, "ada@example.com", "Welcome to Acme, Ada", WELCOME_TEXT, WELCOME_HTML, **marketing
        )
        send(
            ses,
            "ada@example.com",
            "Your receipt #1042",
            "Acme Pro, 1 seat: $12.00",
            "<p>Acme Pro, 1 seat: <b>$12.00</b></p>",
            ConfigurationSetName="transactional",
        )
        with contextlib.suppress(ses.exceptions.ConfigurationSetDoesNotExistException):
            ses.describe_configuration_set(ConfigurationSetName="marketng")  # a typo: a 400

        with tempfile.TemporaryDirectory() as profile:
            driver = chromium(Path(profile))
            try:
                driver.execute_cdp_cmd(
                    "Emulation.setDeviceMetricsOverride",
                    {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False},
                )
                driver.get(server.endpoint_url + "_sesmock/")
                open_message(driver, welcome)
                wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#calls tr.error"), "calls")
                time.sleep(0.5)  # the frame's layout
                path.parent.mkdir(parents=True, exist_ok=True)
                driver.save_screenshot(str(path))
            finally:
                driver.quit()
    print(path)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images" / "inbox.png")
