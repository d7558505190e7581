package dev.evertone.http;

import dev.evertone.store.provisioning.Credential;
import dev.evertone.store.provisioning.CredentialRepository;
import dev.evertone.stun.StunIntegrity;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /ice-servers}: the {@code iceServers} a browser phone gives its RTCPeerConnection, for
 * a device that proves its line with HTTP Basic authentication ({@code auth_user@domain} and the
 * line's SIP password). Only evertone's own STUN and TURN URLs, with TURN credentials that expire
 * (the TURN REST convention, signed with the relay's current secret), and whatever an operator
 * configured explicitly: no public server is ever added.
 */
public final class IceServers {
  private static final Logger log = LoggerFactory.getLogger(IceServers.class);

  private final CredentialRepository credentials;
  private final @Nullable String publicHost;
  private final int port;
  private final int tlsPort;
  private final boolean turn;
  private final String secret;
  private final Duration ttl;
  private final List<String> extra;
  private final Clock clock;

  /**
   * What browsers are told.
   *
   * @param publicHost the host name or address clients reach STUN/TURN at; null: the host the
   *     request was sent to
   * @param port the STUN/TURN port (UDP and TCP)
   * @param tlsPort the STUN/TURN port over TLS, or -1
   * @param turn whether a TURN relay runs (and its credentials are handed out)
   * @param secret the TURN REST secret the credentials are signed with
   * @param ttl how long the handed-out TURN credentials are valid
   * @param extra further ICE server URLs an operator configured
   */
  public record Settings(
      @Nullable String publicHost,
      int port,
      int tlsPort,
      boolean turn,
      String secret,
      Duration ttl,
      List<String> extra) {
    public Settings {
      extra = List.copyOf(extra);
    }
  }

  public IceServers(CredentialRepository credentials, Settings settings, Clock clock) {
    this.credentials = credentials;
    this.publicHost = settings.publicHost();
    this.port = settings.port();
    this.tlsPort = settings.tlsPort();
    this.turn = settings.turn();
    this.secret = settings.secret();
    this.ttl = settings.ttl();
    this.extra = settings.extra();
    this.clock = clock;
  }

  void handle(Context ctx) {
    String line = authenticated(ctx.header("Authorization"));
    if (line == null) {
      ctx.header("WWW-Authenticate", "Basic realm=\"evertone\", charset=\"UTF-8\"");
      ctx.status(401)
          .json(
              ApiError.of(
                  401,
                  "unauthorized",
                  "send the line as auth_user@domain and its SIP password (HTTP Basic)"));
      return;
    }
    String host =
        publicHost != null
            ? publicHost
            : ctx.host() == null ? "localhost" : ctx.host().replaceFirst(":\\d+$", "");
    List<Map<String, Object>> servers = new ArrayList<>();
    servers.add(Map.of("urls", List.of("stun:" + host + ":" + port)));
    long expiry = clock.instant().plus(ttl).getEpochSecond();
    if (turn) {
      String username = expiry + ":" + line;
      Map<String, Object> t = new LinkedHashMap<>();
      // UDP first; TCP and TLS for networks that let only those out (TLS on 443-like ports passes
      // most firewalls)
      List<String> urls =
          new ArrayList<>(
              List.of(
                  "turn:" + host + ":" + port + "?transport=udp",
                  "turn:" + host + ":" + port + "?transport=tcp"));
      if (tlsPort >= 0) {
        urls.add("turns:" + host + ":" + tlsPort + "?transport=tcp");
      }
      t.put("urls", urls);
      t.put("username", username);
      t.put("credential", StunIntegrity.restPassword(secret, username));
      servers.add(t);
    }
    for (String url : extra) {
      servers.add(Map.of("urls", List.of(url)));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("iceServers", servers);
    body.put("ttl", ttl.toSeconds());
    ctx.header("Cache-Control", "no-store");
    ctx.json(body);
  }

  /** The line of valid Basic credentials ({@code user@domain}), or null. */
  private @Nullable String authenticated(@Nullable String header) {
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
    int colon = decoded.indexOf(':');
    int at = colon < 0 ? -1 : decoded.lastIndexOf('@', colon);
    if (at <= 0 || at == colon - 1) {
      return null;
    }
    String user = decoded.substring(0, at);
    String domain = decoded.substring(at + 1, colon);
    String password = decoded.substring(colon + 1);
    Optional<Credential> c;
    try {
      c = credentials.lookup(domain, user, false);
    } catch (RuntimeException e) {
      return null; // not a valid line name: the same answer as a wrong password
    }
    if (c.isEmpty()
        || !MessageDigest.isEqual(
            c.get().secret().getBytes(StandardCharsets.UTF_8),
            password.getBytes(StandardCharsets.UTF_8))) {
      log.warn("ICE servers refused for {}@{}: wrong password or no such line", user, domain);
      return null;
    }
    return user + "@" + domain.toLowerCase(java.util.Locale.ROOT);
  }
}
