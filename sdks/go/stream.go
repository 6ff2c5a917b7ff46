package openchance

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"crypto/tls"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Stream is the WebSocket event stream (/v1/ws): the same event payloads as webhooks, in real
// time. It speaks RFC 6455 itself (the standard library has no WebSocket client), sends the key
// in the handshake's Authorization header (never in the URL) and answers pings; heartbeats are
// not returned. A close is a *StreamClosedError with the close code and the server's last error
// message (4401 invalid key, 4402 spend cap or past-due invoice, 4403 scope, 4429 rate limited,
// 1011/1013 reconnect). Best effort: catch up with client.Events().List.
type Stream struct {
	conn      net.Conn
	reader    *bufio.Reader
	lastError map[string]any
}

// StreamClosedError ends a Stream.
type StreamClosedError struct {
	CloseCode int
	Code      string
	Detail    string
}

func (e *StreamClosedError) Error() string {
	return fmt.Sprintf("stream closed (%d %s): %s", e.CloseCode, e.Code, e.Detail)
}

// Stream connects, authenticates and subscribes to the event type patterns (e.g. "challenge.*").
func (c *Client) Stream(ctx context.Context, events []string) (*Stream, error) {
	target, err := url.Parse(c.config.BaseURL + "/v1/ws")
	if err != nil {
		return nil, err
	}
	address := target.Host
	if target.Port() == "" {
		address += map[string]string{"https": ":443", "http": ":80"}[target.Scheme]
	}
	dialer := &net.Dialer{Timeout: c.config.Timeout}
	var conn net.Conn
	if target.Scheme == "https" {
		conn, err = tls.DialWithDialer(dialer, "tcp", address, &tls.Config{ServerName: target.Hostname()})
	} else {
		conn, err = dialer.DialContext(ctx, "tcp", address)
	}
	if err != nil {
		return nil, &Error{Kind: ApiConnectionError, Detail: err.Error()}
	}
	var nonce [16]byte
	_, _ = rand.Read(nonce[:])
	key := base64.StdEncoding.EncodeToString(nonce[:])
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer %s\r\n"+
		"User-Agent: openchance-go/%s\r\n\r\n", target.RequestURI(), target.Host, key, c.config.APIKey, Version)
	reader := bufio.NewReader(conn)
	response, err := http.ReadResponse(reader, nil)
	if err != nil {
		conn.Close()
		return nil, &Error{Kind: ApiConnectionError, Detail: err.Error()}
	}
	if response.StatusCode != http.StatusSwitchingProtocols {
		defer conn.Close()
		content, _ := io.ReadAll(io.LimitReader(response.Body, 65536))
		var problem map[string]any
		_ = json.Unmarshal(content, &problem)
		return nil, errorFromProblem(response.StatusCode, problem, map[string]string{})
	}
	digest := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	if response.Header.Get("Sec-WebSocket-Accept") != base64.StdEncoding.EncodeToString(digest[:]) {
		conn.Close()
		return nil, &Error{Kind: ApiConnectionError, Detail: "bad Sec-WebSocket-Accept"}
	}
	stream := &Stream{conn: conn, reader: reader}
	if _, err := stream.expect("welcome", c.config.Timeout); err != nil {
		conn.Close()
		return nil, err
	}
	if err := stream.send(map[string]any{"type": "subscribe", "events": events}); err != nil {
		conn.Close()
		return nil, err
	}
	if _, err := stream.expect("subscribed", c.config.Timeout); err != nil {
		conn.Close()
		return nil, err
	}
	return stream, nil
}

func (s *Stream) expect(kind string, timeout time.Duration) (map[string]any, error) {
	deadline := time.Now().Add(timeout)
	for {
		message, err := s.receive(deadline)
		if err != nil {
			return nil, err
		}
		if message["type"] == kind {
			return message, nil
		}
	}
}

// Receive waits up to timeout for the next event.
func (s *Stream) Receive(timeout time.Duration) (*Event, error) {
	deadline := time.Now().Add(timeout)
	for {
		message, err := s.receive(deadline)
		if err != nil {
			return nil, err
		}
		if message["type"] != "event" {
			continue
		}
		encoded, _ := json.Marshal(message["event"])
		var event Event
		if err := json.Unmarshal(encoded, &event); err != nil {
			return nil, err
		}
		return &event, nil
	}
}

// Close sends a normal close frame and closes the connection.
func (s *Stream) Close() error {
	_ = s.writeFrame(0x8, []byte{0x03, 0xe8})
	return s.conn.Close()
}

func (s *Stream) send(message any) error {
	encoded, err := json.Marshal(message)
	if err != nil {
		return err
	}
	return s.writeFrame(0x1, encoded)
}

// writeFrame writes one final, masked frame (clients must mask, RFC 6455 5.3).
func (s *Stream) writeFrame(opcode byte, payload []byte) error {
	header := []byte{0x80 | opcode}
	switch length := len(payload); {
	case length < 126:
		header = append(header, 0x80|byte(length))
	case length < 65536:
		header = append(header, 0x80|126, byte(length>>8), byte(length))
	default:
		header = append(header, 0x80|127)
		header = binary.BigEndian.AppendUint64(header, uint64(length))
	}
	var mask [4]byte
	_, _ = rand.Read(mask[:])
	masked := make([]byte, len(payload))
	for index, value := range payload {
		masked[index] = value ^ mask[index%4]
	}
	_, err := s.conn.Write(append(append(header, mask[:]...), masked...))
	return err
}

// receive reads frames until one whole text message (answering pings, reassembling fragments).
func (s *Stream) receive(deadline time.Time) (map[string]any, error) {
	_ = s.conn.SetReadDeadline(deadline)
	var message []byte
	for {
		var head [2]byte
		if _, err := io.ReadFull(s.reader, head[:]); err != nil {
			return nil, s.closed(1006, err)
		}
		final, opcode := head[0]&0x80 != 0, head[0]&0x0f
		length := uint64(head[1] & 0x7f)
		switch length {
		case 126:
			var extended [2]byte
			if _, err := io.ReadFull(s.reader, extended[:]); err != nil {
				return nil, s.closed(1006, err)
			}
			length = uint64(binary.BigEndian.Uint16(extended[:]))
		case 127:
			var extended [8]byte
			if _, err := io.ReadFull(s.reader, extended[:]); err != nil {
				return nil, s.closed(1006, err)
			}
			length = binary.BigEndian.Uint64(extended[:])
		}
		if length > 1<<20 {
			return nil, s.closed(1009, fmt.Errorf("frame too large"))
		}
		payload := make([]byte, length)
		if _, err := io.ReadFull(s.reader, payload); err != nil {
			return nil, s.closed(1006, err)
		}
		switch opcode {
		case 0x8: // close
			code := 1005
			if len(payload) >= 2 {
				code = int(binary.BigEndian.Uint16(payload[:2]))
			}
			s.conn.Close()
			return nil, s.closed(code, nil)
		case 0x9: // ping
			_ = s.writeFrame(0xA, payload)
			continue
		case 0xA:
			continue
		}
		message = append(message, payload...)
		if !final {
			continue
		}
		var decoded map[string]any
		if err := json.Unmarshal(message, &decoded); err != nil {
			return nil, err
		}
		if decoded["type"] == "error" {
			s.lastError = decoded
		}
		return decoded, nil
	}
}

func (s *Stream) closed(code int, cause error) error {
	closed := &StreamClosedError{CloseCode: code}
	if s.lastError != nil {
		closed.Code, _ = s.lastError["code"].(string)
		closed.Detail, _ = s.lastError["detail"].(string)
	}
	if closed.Detail == "" && cause != nil {
		if netError, ok := cause.(net.Error); ok && netError.Timeout() {
			return cause
		}
		closed.Detail = strings.TrimSpace(cause.Error())
	}
	return closed
}
