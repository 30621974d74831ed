"""Sending email through SES: the send operations, their checks, and the events they publish.

``message`` reads a send request into one ``Message`` per email; ``operations`` checks it as SES
does and answers it (or leaves it to moto); ``outcomes`` says what happens to each recipient (the
mailbox simulator, or what the test asked for); ``events`` writes the records SES publishes;
``destinations`` hands them to the set's event destinations; ``records`` and ``assertions`` keep
them for tests.
"""
