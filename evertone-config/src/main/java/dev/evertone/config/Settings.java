package dev.evertone.config;

import dev.evertone.media.MediaConfig;
import dev.evertone.media.audio.AudioClip;
import dev.evertone.provisioning.GuardLimits;
import dev.evertone.provisioning.ProvisioningConfig;
import dev.evertone.provisioning.template.TemplateLimits;
import dev.evertone.status.StatusConfig;
import dev.evertone.store.jdbc.StoreConfig;
import dev.evertone.tls.CertificateManager;
import dev.evertone.tls.CertificateSource;
import dev.evertone.tls.DeviceTrust;
import dev.evertone.tls.TlsSettings;
import dev.evertone.tls.TrustProfile;
import dev.evertone.tls.TrustProfiles;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The sections of the configuration turned into each feature's own settings: shared by the server's
 * wiring and the administration commands, which open the same store and services without a running
 * server.
 */
public final class Settings {
  private Settings() {}

  /** The store settings of a configuration. */
  public static StoreConfig store(ServerConfig config) {
    ServerConfig.Store s = config.store();
    return new StoreConfig(
        s.url().isBlank() ? null : s.url(),
        config.dataDir(),
        s.secretKeyFile().isBlank() ? null : Path.of(s.secretKeyFile()),
        s.poolSize());
  }

  /**
   * The media relay's settings: its ports bound on media.host (else sip.host), advertised as
   * media.advertised-address, else the bind address, else (a wildcard) the address this machine
   * reaches the internet from.
   */
  /**
   * The recording settings: recordings under media.recording.directory, else {@code
   * <data-dir>/recordings}.
   */
  public static dev.evertone.recording.RecordingConfig recording(ServerConfig config) {
    ServerConfig.Recording r = config.media().recording();
    return new dev.evertone.recording.RecordingConfig(
        r.directory().isBlank()
            ? config.dataDir().resolve("recordings")
            : config.dataDir().resolve(r.directory()),
        dev.evertone.recording.RecordingPolicy.parse(r.policy(), "media.recording.policy"),
        dev.evertone.recording.RecordingConfig.domains(r.domains()),
        r.retention(),
        r.announce(),
        r.jitterDelay(),
        r.maxBacklog());
  }

  public static MediaConfig media(ServerConfig config) {
    ServerConfig.Media m = config.media();
    InetAddress bind = address(m.host().isEmpty() ? config.sip().host() : m.host(), "media.host");
    InetAddress advertised =
        !m.advertisedAddress().isEmpty()
            ? address(m.advertisedAddress(), "media.advertised-address")
            : bind.isAnyLocalAddress() ? outbound() : null;
    return MediaConfig.defaults(bind)
        .withPorts(m.portMin(), m.portMax())
        .withAdvertisedAddress(advertised)
        .withIoThreads(m.ioThreads())
        .withLatchAnySource(m.latchAnySource())
        .withMediaTimeout(m.timeout())
        .withMaxSessions(m.maxSessions())
        .withRelatchAfter(m.relatchAfter());
  }

  /** The longest music on hold track accepted: it is kept in memory (16 kB a second). */
  static final int MAX_MUSIC_SECONDS = 600;

  /**
   * What a held party hears: the file media.music-on-hold names, else evertone's own track.
   *
   * @throws ConfigException when the file cannot be read as audio; the message says why
   */
  public static AudioClip musicOnHold(ServerConfig config) {
    String path = config.media().musicOnHold();
    try {
      if (path.isBlank()) {
        try (InputStream in =
            AudioClip.class.getResourceAsStream("/dev/evertone/media/sounds/music-on-hold.wav")) {
          if (in == null) {
            throw new ConfigException("evertone's own music on hold track is missing from its jar");
          }
          return AudioClip.read("evertone's music on hold", in, MAX_MUSIC_SECONDS);
        }
      }
      try (InputStream in = Files.newInputStream(Path.of(path))) {
        return AudioClip.read(path, in, MAX_MUSIC_SECONDS);
      }
    } catch (NoSuchFileException e) {
      throw new ConfigException("media.music-on-hold: no such file: " + path);
    } catch (IOException e) {
      throw new ConfigException("media.music-on-hold: " + e.getMessage());
    }
  }

  private static InetAddress address(String text, String key) {
    byte[] literal = AddressPrefix.literal(text);
    try {
      return literal != null ? InetAddress.getByAddress(literal) : InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      throw new ConfigException(key + ": '" + text + "' is not an address this machine resolves");
    }
  }

  /**
   * The source address of this machine's default route: a UDP socket connected to a documentation
   * address (RFC 5737) learns it from the routing table without sending anything; loopback when
   * there is no route.
   */
  private static InetAddress outbound() {
    try (DatagramSocket s = new DatagramSocket()) {
      s.connect(InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 1}), 9);
      InetAddress local = s.getLocalAddress();
      return local == null || local.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : local;
    } catch (IOException | RuntimeException e) {
      return InetAddress.getLoopbackAddress();
    }
  }

  /** The provisioning settings of a configuration. */
  public static ProvisioningConfig provisioning(ServerConfig config) {
    ServerConfig.Guard g = config.provisioning().guard();
    ServerConfig.Import i = config.provisioning().importLimits();
    return new ProvisioningConfig(
        new GuardLimits(g.percent(), g.devices(), g.smallChange()),
        new TemplateLimits(i.maxBytes(), i.maxRows(), i.maxErrors()));
  }

  /** The status page's settings; its public address defaults to the HTTP port of this node. */
  public static StatusConfig status(ServerConfig config, int httpPort) {
    ServerConfig.Status s = config.status();
    String url =
        s.publicUrl().isBlank()
            ? "http://" + config.http().host() + ":" + httpPort
            : s.publicUrl().replaceAll("/+$", "");
    ServerConfig.Smtp smtp = s.smtp();
    StatusConfig.Mail mail =
        smtp.host().isBlank()
            ? null
            : new StatusConfig.Mail(
                smtp.host(),
                smtp.port(),
                smtp.from(),
                smtp.username().isBlank() ? null : smtp.username(),
                smtp.password().isBlank() ? null : smtp.password(),
                smtp.starttls());
    ServerConfig.StatusDelivery d = s.delivery();
    return new StatusConfig(
        s.pageName(),
        url,
        s.quietPeriod(),
        s.maxBodyChars(),
        new StatusConfig.Delivery(d.maxAttempts(), d.firstRetry(), d.maxRetry(), d.timeout()),
        mail);
  }

  /** The certificates served on TLS and WSS, checked against the device trust profiles. */
  public static CertificateManager certificates(
      ServerConfig config,
      Clock clock,
      CertificateManager.DeviceCensus census,
      MeterRegistry meters) {
    ServerConfig.Tls t = config.tls();
    List<CertificateSource> sources = new ArrayList<>();
    for (String spec : t.certificates()) {
      sources.add(CertificateSource.parse(spec));
    }
    TlsSettings settings =
        new TlsSettings(
            t.protocols(),
            t.ciphers(),
            TlsSettings.ClientAuth.valueOf(t.clientAuth().toUpperCase(Locale.ROOT)),
            t.clientCaFile().isBlank() ? null : Path.of(t.clientCaFile()),
            TlsSettings.Engine.valueOf(t.engine().toUpperCase(Locale.ROOT)));
    return new CertificateManager(
        sources,
        settings,
        new DeviceTrust(trustProfiles(config), t.defaultProfile(), census),
        t.expiryWarning(),
        clock,
        meters);
  }

  /** The device trust profiles: the built-in ones and those of tls.profiles-dir. */
  public static Map<String, TrustProfile> trustProfiles(ServerConfig config) {
    String dir = config.tls().profilesDir();
    return TrustProfiles.load(dir.isBlank() ? null : Path.of(dir));
  }
}
