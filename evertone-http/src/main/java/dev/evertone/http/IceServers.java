package dev.evertone.http;

import dev.evertone.registrar.AuthGuard;
import dev.evertone.registrar.LocationService;
import dev.evertone.store.provisioning.Credential;
import dev.evertone.store.provisioning.CredentialRepository;
import dev.evertone.stun.StunIntegrity;
import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /ice-servers}: the {@code iceServers} a browser phone gives its RTCPeerConnection, for
 * a device that proves its line with HTTP Basic authentication ({@code auth_user@domain} and the
 * line's SIP password). Only evertone's own STUN and TURN URLs, with TURN credentials that expire
 * (the TURN REST convention, signed with the relay's current secret), and whatever an operator
 * configured explicitly: no public server is ever added.
 *
 * <p>A password check like SIP's, so it goes through the same {@link AuthGuard}: a failure counts
 * for the source and the line and is logged in the same line for fail2ban, and a blocked source or
 * line is refused (unless the address holds a live registration of the line) before any password is
 * compared.
 */
public final class IceServers {
  private final CredentialRepository credentials;
  private final AuthGuard guard;
  private final LocationService location;
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

  public IceServers(
      CredentialRepository credentials,
      AuthGuard guard,
      LocationService location,
      Settings settings,
      Clock clock) {
    this.credentials = credentials;
    this.guard = guard;
    this.location = location;
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
    Basic basic = Basic.parse(ctx.header("Authorization"));
    if (basic != null && blocked(ctx, basic)) {
      ctx.status(403)
          .json(
              ApiError.of(
                  403,
                  "blocked",
                  "too many failed attempts from this address or for this line; wait and try again"));
      return;
    }
    String line = basic == null ? null : authenticated(ctx, basic);
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

  /** The user, domain and password of an HTTP Basic header naming a line as user@domain. */
  private record Basic(String user, String domain, String password) {
    static @Nullable Basic parse(@Nullable String header) {
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
      return new Basic(
          decoded.substring(0, at),
          decoded.substring(at + 1, colon).toLowerCase(Locale.ROOT),
          decoded.substring(colon + 1));
    }

    String line() {
      return user + "@" + domain;
    }
  }

  /**
   * Whether the guard refuses to check the password: the source or the line is blocked, and the
   * address holds no live registration of the line.
   */
  private boolean blocked(Context ctx, Basic basic) {
    String ip = ctx.ip();
    return guard.refuses(ip, basic.line(), () -> registeredFrom(basic, ip));
  }

  /** The line ({@code user@domain}) when its password is right, else null (a failure counted). */
  private @Nullable String authenticated(Context ctx, Basic basic) {
    String ip = ctx.ip();
    Optional<Credential> c;
    try {
      c = credentials.lookup(basic.domain(), basic.user(), false);
    } catch (RuntimeException e) {
      c = Optional.empty(); // not a valid line name: the same answer as a wrong password
    }
    if (c.isEmpty()
        || !MessageDigest.isEqual(
            c.get().secret().getBytes(StandardCharsets.UTF_8),
            basic.password().getBytes(StandardCharsets.UTF_8))) {
      String ua = ctx.userAgent();
      guard.failed(
          basic.line(),
          ip,
          ctx.req().getRemotePort(),
          ctx.scheme(),
          c.isEmpty() ? "unknown user" : "wrong password",
          ua == null ? "" : ua);
      return null;
    }
    return basic.line();
  }

  /** Whether the address holds a live registration of the line: a guesser cannot block it. */
  private boolean registeredFrom(Basic basic, String ip) {
    try {
      return location.hasBindingFrom(
          "sip:" + basic.user() + "@" + basic.domain(), InetAddress.getByName(ip));
    } catch (UnknownHostException e) {
      return false; // the servlet's remote address is a literal: cannot happen
    }
  }
}
