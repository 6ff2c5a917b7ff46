<?php
// Without Composer: load the SDK (and Guzzle from Debian's php-guzzlehttp-guzzle when present).
// With Composer, its autoloader does this (composer.json).
if (!class_exists(\GuzzleHttp\Client::class) && is_file('/usr/share/php/GuzzleHttp/autoload.php')) {
    require_once '/usr/share/php/GuzzleHttp/autoload.php';
}
require_once __DIR__ . '/Version.php';
require_once __DIR__ . '/Errors.php';
require_once __DIR__ . '/OpenChance.php';
require_once __DIR__ . '/Webhook.php';
