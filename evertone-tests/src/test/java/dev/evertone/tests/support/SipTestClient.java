package dev.evertone.tests.support;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * A test user agent on one transport: sends a request, returns the final response (or null on
 * timeout).
 */
public interface SipTestClient {
  @Nullable String exchange(String text) throws IOException;

  /** The local port, for Via and Contact. */
  int port();

  /** The Via transport token: UDP, TCP, TLS, WS, WSS. */
  String transport();
}
