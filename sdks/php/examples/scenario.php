<?php
// The SDK scenario in PHP (sdks/tests/test_php.py runs it against the live platform), the same
// steps as sdks/tests/e2e/scenario.py; prints one JSON object.
require __DIR__ . '/../src/autoload.php';

use OpenChance\NotFoundError;
use OpenChance\OpenChance;
use OpenChance\RateLimitedError;
use OpenChance\ValidationError;
use OpenChance\Webhook;
use OpenChance\WebhookVerificationError;

$retries = [];
$client = new OpenChance(['max_retries' => 5, 'on_retry' => function (array $info) use (&$retries) { $retries[] = $info; }]);
$tag = 'sdk-php-' . bin2hex(random_bytes(3));
$short = fn (object $error) => substr(strrchr(get_class($error), '\\'), 1);
$result = [];

$result['created'] = [];
foreach ([0, 1, 2] as $n) {
    $result['created'][] = $client->challenges()->create(['title' => "$tag $n"])['id'];
}
$first = $client->request('GET', '/v1/challenges', ['limit' => 2, 'search' => $tag]);
$result['first_page'] = ['size' => count($first['data']), 'has_more' => $first['has_more']];
$result['listed'] = [];
foreach ($client->challenges()->list(['limit' => 2, 'search' => $tag]) as $challenge) {
    $result['listed'][] = $challenge['id'];
}

$key = 'php-' . $tag;
$once = $client->challenges()->create(['title' => "$tag once"], $key);
$again = $client->challenges()->create(['title' => "$tag once"], $key);
$result['idempotent_replay'] = $once['id'] === $again['id'];

try {
    $client->challenges()->retrieve('chl_doesnotexist');
} catch (NotFoundError $error) {
    $result['not_found'] = ['error' => $short($error), 'request_id' => $error->requestId];
}
try {
    $client->challenges()->create(new stdClass());
} catch (ValidationError $error) {
    $fields = array_keys($error->errors());
    sort($fields);
    $result['validation'] = ['error' => $short($error), 'fields' => $fields];
}

$impatient = new OpenChance(['max_retries' => 0]);
for ($n = 0; $n < 60; $n++) {
    try {
        $impatient->request('GET', '/v1/me');
    } catch (RateLimitedError $error) {
        $result['rate_limited'] = ['error' => $short($error), 'status' => $error->status,
            'code' => $error->errorCode, 'retry_after' => $error->retryAfter(), 'request_id' => $error->requestId];
        break;
    }
}
$retries = [];
$calls = 0;
while (!$retries && $calls < 40) {
    $calls++;
    if ($client->request('GET', '/v1/me')['object'] !== 'me') {
        throw new RuntimeException('not me');
    }
}
$result['retried'] = ['ok' => true, 'retries' => count($retries), 'calls' => $calls];

// A retried POST sends the same generated Idempotency-Key on every attempt (Guzzle's history).
$history = [];
$stack = GuzzleHttp\HandlerStack::create();
$stack->push(GuzzleHttp\Middleware::history($history));
$recording = new OpenChance(['max_retries' => 5,
    'http_client' => new GuzzleHttp\Client(['handler' => $stack, 'http_errors' => false])]);
$keys = [];
for ($attempt = 0; $attempt < 5 && count($keys) < 2; $attempt++) {
    $history = [];
    while (true) {
        try {
            $impatient->request('GET', '/v1/me');
        } catch (RateLimitedError) {
            break;
        }
    }
    $recording->challenges()->create(['title' => "$tag retried"]);
    $keys = array_values(array_map(fn ($entry) => $entry['request']->getHeaderLine('Idempotency-Key'),
        array_filter($history, fn ($entry) => $entry['request']->getMethod() === 'POST')));
}
$result['idempotency_keys'] = $keys;

$endpoint = $client->webhookEndpoints()->create(['url' => getenv('OC_SINK_URL'), 'events' => ['challenge.created']]);
$expected = $client->challenges()->create(['title' => "$tag hooked"])['id'];
$webhook = new Webhook($endpoint['secret']);
$outcome = ['type' => null, 'object_id' => null, 'expected_id' => $expected];
for ($deadline = time() + 30; time() < $deadline && $outcome['type'] === null; usleep(300000)) {
    foreach (json_decode(file_get_contents(getenv('OC_SINK_RECEIVED_URL')), true) as $delivery) {
        $body = base64_decode($delivery['body_base64']);
        $event = $webhook->verify($body, $delivery['headers']);
        if (($event['data']['object']['id'] ?? null) !== $expected) {
            continue;
        }
        try {
            $webhook->verify(str_replace('hooked', 'hacked', $body), $delivery['headers']);
            $tamperedRejected = false;
        } catch (WebhookVerificationError) {
            $tamperedRejected = true;
        }
        $outcome = ['type' => $event['type'], 'object_id' => $event['data']['object']['id'],
            'expected_id' => $expected, 'tampered_rejected' => $tamperedRejected];
    }
}
$result['webhook'] = $outcome;
echo json_encode($result), "\n";
