<?php

namespace OpenChance;

use GuzzleHttp\Client as HttpClient;
use GuzzleHttp\Exception\TransferException;
use Psr\Http\Message\ResponseInterface;

/**
 * The client (on Guzzle): configuration, retries with exponential backoff and jitter
 * (connection errors, 409 idempotency_request_in_flight, 429 and 5xx, honouring Retry-After),
 * an Idempotency-Key on every POST and PATCH (generated when none is given, the same on every
 * retry), typed errors and auto-pagination (list() is a generator fetching pages as it goes).
 */
final class OpenChance
{
    public const DEFAULT_BASE_URL = 'https://api.openchance.dev';
    private const RETRYABLE = [409, 429, 500, 502, 503, 504];

    public readonly string $apiKey;
    public readonly string $baseUrl;
    private HttpClient $http;
    /** @var callable|null */
    private $onRetry;

    /**
     * @param array{api_key?: string, base_url?: string, timeout?: float, max_retries?: int,
     *   initial_retry_delay?: float, max_retry_delay?: float, max_retry_after?: float,
     *   on_retry?: callable, http_client?: HttpClient} $config
     */
    public function __construct(private array $config = [])
    {
        $apiKey = $config['api_key'] ?? getenv('OPENCHANCE_API_KEY');
        if (!$apiKey) {
            throw new \InvalidArgumentException('api_key is required (or set OPENCHANCE_API_KEY)');
        }
        $this->apiKey = $apiKey;
        $this->baseUrl = rtrim($config['base_url'] ?? (getenv('OPENCHANCE_BASE_URL') ?: self::DEFAULT_BASE_URL), '/');
        $this->config += ['timeout' => 30.0, 'max_retries' => 2, 'initial_retry_delay' => 0.5,
            'max_retry_delay' => 8.0, 'max_retry_after' => 60.0];
        $this->onRetry = $config['on_retry'] ?? null;
        $this->http = $config['http_client'] ?? new HttpClient(['http_errors' => false]);
    }

    public function challenges(): Resource { return new Resource($this, '/v1/challenges'); }
    public function applications(): Resource { return new Resource($this, '/v1/applications'); }
    public function messages(): Resource { return new Resource($this, '/v1/messages'); }
    public function reviews(): Resource { return new Resource($this, '/v1/reviews'); }
    public function events(): Resource { return new Resource($this, '/v1/events'); }
    public function webhookEndpoints(): Resource { return new Resource($this, '/v1/webhook_endpoints'); }

    /**
     * One call (with its retries): the decoded JSON (arrays), or null for an empty answer.
     * @param array<string, mixed> $query
     */
    public function request(string $method, string $path, array $query = [], mixed $body = null, ?string $idempotencyKey = null): mixed
    {
        $method = strtoupper($method);
        $query = array_map(fn ($value) => is_array($value) ? implode(',', $value) : (is_bool($value) ? ($value ? 'true' : 'false') : $value),
            array_filter($query, fn ($value) => $value !== null));
        $headers = ['Authorization' => "Bearer {$this->apiKey}", 'Accept' => 'application/json',
            'User-Agent' => 'openchance-php/' . Version::VERSION];
        if (in_array($method, ['POST', 'PATCH'], true)) {
            $headers['Idempotency-Key'] = $idempotencyKey ?? self::uuid();
        }
        $options = ['headers' => $headers, 'query' => $query, 'timeout' => $this->config['timeout'],
            'connect_timeout' => $this->config['timeout'], 'http_errors' => false];
        if ($body !== null) {
            $options['body'] = json_encode($body, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES);
            $options['headers']['Content-Type'] = 'application/json';
        }
        for ($retry = 1; ; $retry++) {
            try {
                $response = $this->http->request($method, $this->baseUrl . $path, $options);
            } catch (TransferException $error) {
                $delay = $this->retryDelay($retry, null, null);
                if ($delay === null) {
                    throw new ApiConnectionError('Connection failed: ' . $error->getMessage(), previous: $error);
                }
                $this->notify($retry, $method, $path, null, $delay);
                usleep((int) ($delay * 1e6));
                continue;
            }
            $status = $response->getStatusCode();
            $text = (string) $response->getBody();
            $decoded = $text === '' ? null : json_decode($text, true);
            if ($status < 400) {
                return $decoded;
            }
            $delay = $this->retryDelay($retry, $response, $decoded);
            if ($delay === null) {
                $lowered = [];
                foreach ($response->getHeaders() as $name => $values) {
                    $lowered[strtolower($name)] = implode(', ', $values);
                }
                throw OpenChanceError::fromProblem($status, $decoded, $lowered);
            }
            $this->notify($retry, $method, $path, $status, $delay);
            usleep((int) ($delay * 1e6));
        }
    }

    /**
     * Every object of the cursor list at $path, page after page.
     * @param array<string, mixed> $query
     * @return \Generator<int, array<string, mixed>>
     */
    public function list(string $path, array $query = []): \Generator
    {
        $cursor = null;
        do {
            $page = $this->request('GET', $path, $query + ['cursor' => $cursor]);
            yield from array_values($page['data']);
            $cursor = $page['has_more'] ? ($page['next_cursor'] ?? null) : null;
        } while ($cursor);
    }

    public function backoff(int $retry): float
    {
        $base = min($this->config['max_retry_delay'], $this->config['initial_retry_delay'] * 2 ** ($retry - 1));
        return $base * (0.5 + mt_rand() / mt_getrandmax() / 2);
    }

    private function retryDelay(int $retry, ?ResponseInterface $response, mixed $body): ?float
    {
        if ($retry > $this->config['max_retries']) {
            return null;
        }
        if ($response === null) {
            return $this->backoff($retry);
        }
        $status = $response->getStatusCode();
        if (!in_array($status, self::RETRYABLE, true)) {
            return null;
        }
        if ($status === 409 && (($body['code'] ?? null) !== 'idempotency_request_in_flight')) {
            return null;
        }
        $header = $response->getHeaderLine('Retry-After');
        if (!is_numeric($header)) {
            return $this->backoff($retry);
        }
        $seconds = max(0.0, (float) $header);
        return $seconds <= $this->config['max_retry_after'] ? $seconds : null;
    }

    private function notify(int $retry, string $method, string $path, ?int $status, float $delay): void
    {
        if ($this->onRetry !== null) {
            ($this->onRetry)(['attempt' => $retry, 'method' => $method, 'url' => $this->baseUrl . $path,
                'status' => $status, 'delay' => $delay]);
        }
    }

    private static function uuid(): string
    {
        $bytes = random_bytes(16);
        $bytes[6] = chr(ord($bytes[6]) & 0x0f | 0x40);
        $bytes[8] = chr(ord($bytes[8]) & 0x3f | 0x80);
        return vsprintf('%s%s-%s-%s-%s-%s%s%s', str_split(bin2hex($bytes), 4));
    }
}

/** The verbs of one collection. */
final class Resource
{
    public function __construct(private OpenChance $client, public readonly string $path) {}

    /** @param array<string, mixed> $query */
    public function list(array $query = []): \Generator { return $this->client->list($this->path, $query); }
    /** @return array<string, mixed> */
    public function retrieve(string $id): array { return $this->client->request('GET', "{$this->path}/$id"); }
    /** @return array<string, mixed> */
    public function create(mixed $body, ?string $idempotencyKey = null): array
    {
        return $this->client->request('POST', $this->path, body: $body, idempotencyKey: $idempotencyKey);
    }
    /** @return array<string, mixed> */
    public function update(string $id, mixed $body, ?string $idempotencyKey = null): array
    {
        return $this->client->request('PATCH', "{$this->path}/$id", body: $body, idempotencyKey: $idempotencyKey);
    }
    public function delete(string $id): mixed { return $this->client->request('DELETE', "{$this->path}/$id"); }
    /** A POST on one object (publish, close, accept…). @return array<string, mixed> */
    public function action(string $id, string $action, mixed $body = new \stdClass(), ?string $idempotencyKey = null): array
    {
        return $this->client->request('POST', "{$this->path}/$id/$action", body: $body, idempotencyKey: $idempotencyKey);
    }
}
