// A test in another language, as pytest-sesmock's server-mode users write one: set up by posting
// YAML, send through the AWS SDK for JavaScript (v3, SES v2), read back what was sent and the
// events it published, tear down with a reset. Prints what it saw as JSON for the Python test.
import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";

const endpoint = process.argv[2]; // http://127.0.0.1:PORT/
const inspect = async (path, init) => {
  const answer = await fetch(new URL(path, endpoint), init);
  const text = await answer.text();
  return { status: answer.status, body: text ? JSON.parse(text) : null };
};

const declared = await inspect("_sesmock/configuration-sets", {
  method: "POST",
  headers: { "Content-Type": "application/yaml" },
  body: [
    "configuration_sets:",
    "  - Name: js-set",
    "    EventDestinations:",
    "      - Name: to-sns",
    "        Enabled: true",
    "        MatchingEventTypes: [send, delivery]",
    "        SNSDestination: {TopicARN: 'arn:aws:sns:us-east-1:123456789012:js-events'}",
    "",
  ].join("\n"),
});

const ses = new SESv2Client({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  maxAttempts: 1,
});
const sent = await ses.send(
  new SendEmailCommand({
    FromEmailAddress: "node@example.com",
    Destination: { ToAddresses: ["reader@example.com"] },
    Content: { Simple: { Subject: { Data: "From Node" }, Body: { Text: { Data: "hello" } } } },
    ConfigurationSetName: "js-set",
    EmailTags: [{ Name: "sdk", Value: "javascript" }],
  }),
);
let refused = null;
try {
  await ses.send(
    new SendEmailCommand({
      FromEmailAddress: "node@example.com",
      Destination: { ToAddresses: ["reader@example.com"] },
      Content: { Simple: { Subject: { Data: "typo" }, Body: { Text: { Data: "x" } } } },
      ConfigurationSetName: "js-sett",
    }),
  );
} catch (error) {
  refused = { name: error.name, status: error.$metadata?.httpStatusCode };
}

const id = encodeURIComponent(sent.MessageId);
const result = {
  declared,
  messageId: sent.MessageId,
  refused,
  message: await inspect(`_sesmock/messages/${id}`),
  calls: await inspect("_sesmock/calls?api=sesv2&status=200"),
  localstack: await inspect(`_aws/ses?id=${id}`),
  reset: await inspect("_sesmock/reset", { method: "POST" }),
  after: await inspect("_sesmock/messages"),
};
console.log(JSON.stringify(result));
