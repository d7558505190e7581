package dev.evertone.tests.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A browser phone's transport: SIP over a secure WebSocket (RFC 7118) with the JDK's WebSocket
 * client.
 */
public final class WebSocketClient implements SipTestClient, AutoCloseable {
  private final WebSocket socket;
  private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
  private final int fakePort = 50000 + (int) (System.nanoTime() % 10000);

  public WebSocketClient(URI uri, X509Certificate trustedRoot) {
    HttpClient http =
        HttpClient.newBuilder()
            .sslContext(TlsClient.context(trustedRoot))
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    socket =
        http.newWebSocketBuilder()
            .subprotocols("sip")
            .buildAsync(
                uri,
                new WebSocket.Listener() {
                  private final StringBuilder partial = new StringBuilder();

                  @Override
                  public @Nullable CompletionStage<?> onText(
                      WebSocket ws, CharSequence data, boolean last) {
                    partial.append(data);
                    if (last) {
                      received.add(partial.toString());
                      partial.setLength(0);
                    }
                    ws.request(1);
                    return null;
                  }
                })
            .join();
  }

  public String subprotocol() {
    return socket.getSubprotocol();
  }

  /** The next message the server sent; fails the test when none arrives within 5 s. */
  public String receive() throws IOException {
    String m = poll();
    if (m == null) {
      throw new AssertionError("no message within 5 s");
    }
    return m;
  }

  /** The next message the server sent, or null after 5 s. */
  public @Nullable String poll() throws IOException {
    try {
      return received.poll(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** Sends one message as one WebSocket text message (RFC 7118 5.1). */
  public void send(String text) {
    socket.sendText(text, true).join();
  }

  @Override
  public @Nullable String exchange(String text) throws IOException {
    socket.sendText(text, true).join();
    while (true) {
      String message = poll();
      if (message == null || !message.startsWith("SIP/2.0 1")) {
        return message;
      }
    }
  }

  /**
   * Browsers cannot know their port; RFC 7118 has them put any in Via and an .invalid host in
   * Contact.
   */
  @Override
  public int port() {
    return fakePort;
  }

  @Override
  public String transport() {
    return "WSS";
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      socket
          .sendClose(WebSocket.NORMAL_CLOSURE, "bye")
          .exceptionally(e -> null)
          .join(); // the server may have closed first
    }
  }
}
