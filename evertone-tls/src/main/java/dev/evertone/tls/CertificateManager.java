package dev.evertone.tls;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.Mapping;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificates being served, and their replacement while serving. A TLS listener asks {@link
 * #mapping()} for the context of each new handshake (by SNI); a reload swaps in a new set, so new
 * handshakes get the new chain and open connections keep theirs: nothing restarts, nothing is
 * dropped.
 *
 * <p>A reload (file change, {@code evertone tls reload}, the admin API) first reads and checks the
 * new files: unreadable, key mismatch, expired, not yet valid, out of order are refused and the
 * current set stays. Then the activation guard: a chain that a device family with registered
 * devices would reject (by its trust profile), where it accepts the chain served now, is refused
 * unless forced. Every outcome is logged and counted.
 */
public final class CertificateManager implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CertificateManager.class);

  private final List<CertificateSource> sources;
  private final TlsSettings settings;
  private final Map<String, TrustProfile> profiles;
  private final TrustProfile defaultProfile;
  private final Duration expiryWarning;
  private final Clock clock;
  private final DeviceCensus census;
  private static final String ACTIVATED = "activated";
  private static final String UNCHANGED = "unchanged";
  private static final String REFUSED = "refused";

  private final Map<String, Counter> reloads = new LinkedHashMap<>();
  private final MultiGauge expiry;
  private volatile Served current;

  /**
   * The generation served before the current one, released at the next activation (see {@link
   * #activate}).
   */
  private @Nullable Served retired;

  private List<FileStamp> stamps;

  /** The User-Agents of the devices registered now, with how many devices each. */
  @FunctionalInterface
  public interface DeviceCensus {
    DeviceCensus NONE = Map::of;

    Map<String, Integer> devicesByUserAgent();
  }

  /**
   * Reads and serves the certificates of {@code sources}.
   *
   * @param sources the certificates to serve; the first is the one for clients that send no SNI
   * @param trust the device families a replacement must keep working for
   * @param expiryWarning certificates that expire within this are warned about
   */
  public CertificateManager(
      List<CertificateSource> sources,
      TlsSettings settings,
      DeviceTrust trust,
      Duration expiryWarning,
      Clock clock,
      MeterRegistry meters) {
    if (sources.isEmpty()) {
      throw new TlsException("no certificate is configured (tls.certificates)");
    }
    this.sources = List.copyOf(sources);
    this.settings = settings;
    this.profiles = trust.profiles();
    this.defaultProfile =
        Objects.requireNonNull(
            profiles.get(trust.defaultProfile()), "DeviceTrust checks that the profile exists");
    this.expiryWarning = expiryWarning;
    this.clock = clock;
    this.census = trust.census();
    for (String outcome : List.of(ACTIVATED, UNCHANGED, REFUSED)) {
      reloads.put(
          outcome,
          Counter.builder("evertone.tls.reloads")
              .description("Certificate reloads by outcome")
              .tag("outcome", outcome)
              .register(meters));
    }
    this.expiry =
        MultiGauge.builder("evertone.tls.certificate.expiry")
            .description("Seconds until the first certificate of a served chain expires")
            .baseUnit("seconds")
            .register(meters);
    this.stamps = stamps();
    this.current = build(readAll());
    publishExpiry();
    for (ServedCertificate c : current.certificates()) {
      log.info(
          "TLS certificate '{}' ({}) valid until {}, from {}",
          Certificates.name(c.leaf()),
          Certificates.keyDescription(c.leaf().getPublicKey()),
          c.leaf().getNotAfter().toInstant(),
          c.source());
    }
  }

  /**
   * For SNI: the context of the certificate naming the host, else the first one. Read for every new
   * handshake.
   */
  public Mapping<String, SslContext> mapping() {
    return host -> current.contextFor(host);
  }

  /**
   * The certificate a handshake naming {@code host} by SNI gets (the first one when none names it).
   */
  public ServedCertificate certificateFor(@Nullable String host) {
    Served s = current;
    return s.certificates().get(s.indexFor(host));
  }

  /** The certificates served now. */
  public List<ServedCertificate> served() {
    return current.certificates();
  }

  public Map<String, TrustProfile> profiles() {
    return profiles;
  }

  /**
   * The outcome of a reload.
   *
   * @param outcome activated, unchanged or refused
   * @param messages what was found, one line each (the reason when refused)
   */
  public record Reload(String outcome, List<String> messages) {
    public boolean refused() {
      return outcome.equals(REFUSED);
    }
  }

  /**
   * Reads the files again and activates them if they differ, pass the checks and the guard.
   *
   * @param force activate even if a device family with registered devices would reject the new
   *     chain
   */
  public synchronized Reload reload(boolean force) {
    stamps = stamps();
    List<ServedCertificate> fresh;
    try {
      fresh = readAll();
    } catch (TlsException e) {
      return finish(
          new Reload(
              REFUSED, List.of(e.getMessage() + "; the current certificate stays in service")));
    }
    if (sameChains(fresh, current.certificates())) {
      return finish(
          new Reload(UNCHANGED, List.of("the files hold the certificates already served")));
    }
    List<String> messages = new ArrayList<>();
    List<String> rejections = guard(fresh, clock.instant());
    if (!rejections.isEmpty()) {
      if (!force) {
        rejections.add(
            "the current certificate stays in service; fix the chain, or force the rotation if those devices may fail");
        return finish(new Reload(REFUSED, rejections));
      }
      messages.add("forced although: " + String.join("; ", rejections));
    }
    Served next;
    try {
      next = build(fresh);
    } catch (TlsException e) {
      return finish(
          new Reload(
              REFUSED, List.of(e.getMessage() + "; the current certificate stays in service")));
    }
    activate(next);
    publishExpiry();
    for (ServedCertificate c : fresh) {
      messages.add(
          "serving '"
              + Certificates.name(c.leaf())
              + "' valid until "
              + c.leaf().getNotAfter().toInstant()
              + " (SHA-256 "
              + Certificates.fingerprint(c.leaf())
              + ") to new connections; open connections keep theirs");
    }
    return finish(new Reload(ACTIVATED, messages));
  }

  /**
   * Serves {@code next} to new handshakes. The generation it replaces is released one activation
   * later: a handshake that looked it up an instant before the swap still creates its engine from
   * it. Each engine holds its own reference to its context, so open connections keep theirs until
   * they close.
   */
  private void activate(Served next) {
    Served old = current;
    current = next;
    if (retired != null) {
      retired.release();
    }
    retired = old;
  }

  private Reload finish(Reload r) {
    Objects.requireNonNull(reloads.get(r.outcome()), "a reload's outcome is one of the three")
        .increment();
    if (r.refused()) {
      log.error("TLS certificate reload refused: {}", String.join("; ", r.messages()));
    } else if (r.outcome().equals(ACTIVATED)) {
      r.messages().forEach(m -> log.info("TLS certificate reload: {}", m));
    }
    return r;
  }

  /** Reloads if any file changed since the last look (called periodically). */
  public synchronized void reloadIfChanged() {
    if (!stamps().equals(stamps)) {
      log.info("TLS certificate files changed; reloading");
      reload(false);
    }
  }

  /** Logs a warning for every served chain that expires within the warning horizon. */
  public void warnOfExpiry() {
    Instant horizon = clock.instant().plus(expiryWarning);
    for (ServedCertificate c : current.certificates()) {
      if (c.expires().isBefore(horizon)) {
        log.warn(
            "TLS certificate '{}' from {}: a certificate of its chain expires on {}, within {} days; renew it and the new files are"
                + " picked up without a restart",
            Certificates.name(c.leaf()),
            c.source(),
            c.expires(),
            expiryWarning.toDays());
      }
    }
  }

  /**
   * The devices registered now, counted by profile (their User-Agent's profile, else the default
   * one).
   */
  public Map<String, Integer> devicesByProfile() {
    Map<String, Integer> out = new LinkedHashMap<>();
    devicesPerProfile()
        .forEach((profile, devices) -> out.merge(profile.name(), devices, Integer::sum));
    return out;
  }

  /** As {@link #devicesByProfile()}, by the profiles themselves. */
  private Map<TrustProfile, Integer> devicesPerProfile() {
    Map<TrustProfile, Integer> out = new LinkedHashMap<>();
    for (Map.Entry<String, Integer> e : census.devicesByUserAgent().entrySet()) {
      out.merge(profileOf(e.getKey()), e.getValue(), Integer::sum);
    }
    return out;
  }

  /** The profile of a device with this User-Agent. */
  public TrustProfile profileOf(@Nullable String userAgent) {
    if (userAgent != null) {
      for (TrustProfile p : profiles.values()) {
        if (!p.equals(defaultProfile) && p.matches(userAgent)) {
          return p;
        }
      }
    }
    return defaultProfile;
  }

  /**
   * Why families with registered devices would reject {@code fresh} at {@code at} while they accept
   * what is served now; empty when none would. A profile that already rejects the current chain
   * does not describe those devices (they are registering with it), so it does not block a change:
   * e.g. the public roots of the modern profile and a private CA.
   */
  private List<String> guard(List<ServedCertificate> fresh, Instant at) {
    List<String> out = new ArrayList<>();
    List<ServedCertificate> now = current.certificates();
    for (Map.Entry<TrustProfile, Integer> inUse : devicesPerProfile().entrySet()) {
      TrustProfile profile = inUse.getKey();
      for (int i = 0; i < fresh.size(); i++) {
        ServedCertificate c = fresh.get(i);
        ChainVerifier.Verdict v = ChainVerifier.verify(c.chain(), profile, at);
        boolean acceptedNow =
            i < now.size() && ChainVerifier.verify(now.get(i).chain(), profile, at).accepted();
        if (!v.accepted() && acceptedNow) {
          out.add(
              inUse.getValue()
                  + " registered device(s) of profile '"
                  + profile.name()
                  + "' would reject '"
                  + Certificates.name(c.leaf())
                  + "' (they accept the chain served now): "
                  + v.reason());
        }
      }
    }
    return out;
  }

  private List<ServedCertificate> readAll() {
    Instant now = clock.instant();
    List<ServedCertificate> out = new ArrayList<>();
    for (CertificateSource s : sources) {
      out.add(ServedCertificate.load(s, now));
    }
    return out;
  }

  /**
   * The Netty provider of an engine; BoringSSL asked for but not loadable is an error that says
   * why.
   */
  static SslProvider provider(TlsSettings.Engine engine) {
    return switch (engine) {
      case JDK -> SslProvider.JDK;
      case AUTO -> OpenSsl.isAvailable() ? SslProvider.OPENSSL_REFCNT : SslProvider.JDK;
      case BORINGSSL -> {
        if (!OpenSsl.isAvailable()) {
          throw new TlsException(
              "tls.engine boringssl: BoringSSL cannot be loaded on this platform ("
                  + OpenSsl.unavailabilityCause()
                  + "); use tls.engine auto or jdk");
        }
        yield SslProvider.OPENSSL_REFCNT;
      }
    };
  }

  /** The TLS implementation in use, for the log: "BoringSSL" or "JDK". */
  public String engine() {
    return provider(settings.engine()) == SslProvider.JDK
        ? "JDK " + Runtime.version().feature()
        : OpenSsl.versionString();
  }

  private static boolean sameChains(List<ServedCertificate> a, List<ServedCertificate> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!a.get(i).chain().equals(b.get(i).chain()) || !a.get(i).key().equals(b.get(i).key())) {
        return false;
      }
    }
    return true;
  }

  private Served build(List<ServedCertificate> certs) {
    List<X509Certificate> clientRoots =
        settings.clientCaFile() == null ? List.of() : Pem.certificates(settings.clientCaFile());
    SslProvider provider = provider(settings.engine());
    List<SslContext> contexts = new ArrayList<>();
    for (ServedCertificate c : certs) {
      try {
        SslContextBuilder b =
            SslContextBuilder.forServer(c.key(), c.chain().toArray(X509Certificate[]::new))
                .sslProvider(provider)
                .protocols(settings.protocols())
                .clientAuth(io.netty.handler.ssl.ClientAuth.valueOf(settings.clientAuth().name()));
        if (!settings.ciphers().isEmpty()) {
          b.ciphers(settings.ciphers());
        }
        if (!clientRoots.isEmpty()) {
          b.trustManager(clientRoots.toArray(X509Certificate[]::new));
        }
        contexts.add(b.build());
      } catch (SSLException | IllegalArgumentException e) {
        contexts.forEach(ReferenceCountUtil::release);
        throw new TlsException(
            c.source()
                + " cannot be served with the configured protocols and ciphers: "
                + e.getMessage(),
            e);
      }
    }
    return new Served(certs, contexts);
  }

  private void publishExpiry() {
    Instant now = clock.instant();
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (ServedCertificate c : current.certificates()) {
      double seconds = Duration.between(now, c.expires()).toSeconds();
      rows.add(MultiGauge.Row.of(Tags.of("certificate", Certificates.name(c.leaf())), seconds));
    }
    expiry.register(rows, true);
  }

  private List<FileStamp> stamps() {
    List<FileStamp> out = new ArrayList<>();
    for (CertificateSource s : sources) {
      out.add(FileStamp.of(s.chainFile()));
      if (s.keyFile() != null) {
        out.add(FileStamp.of(s.keyFile()));
      }
    }
    return out;
  }

  /**
   * A file's identity for change detection: size and modification time (a renamed-in file changes
   * both).
   */
  private record FileStamp(Path file, long size, long modified) {
    static FileStamp of(Path file) {
      try {
        return new FileStamp(file, Files.size(file), Files.getLastModifiedTime(file).toMillis());
      } catch (IOException e) {
        return new FileStamp(file, -1, -1);
      }
    }
  }

  /** One immutable generation of served certificates with their contexts. */
  private record Served(List<ServedCertificate> certificates, List<SslContext> contexts) {
    /** BoringSSL contexts hold native memory until released; the JDK's are plain objects. */
    void release() {
      contexts.forEach(ReferenceCountUtil::release);
    }

    SslContext contextFor(@Nullable String host) {
      return contexts.get(indexFor(host));
    }

    int indexFor(@Nullable String host) {
      if (host != null && certificates.size() > 1) {
        String h = host.toLowerCase(Locale.ROOT);
        for (int i = 0; i < certificates.size(); i++) {
          if (Certificates.matchesHost(certificates.get(i).leaf(), h)) {
            return i;
          }
        }
      }
      return 0;
    }
  }

  @Override
  public synchronized void close() {
    expiry.register(List.of(), true);
    current.release();
    if (retired != null) {
      retired.release();
      retired = null;
    }
  }
}
