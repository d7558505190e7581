package dev.evertone.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole configuration, as documented in {@code evertone-defaults.yaml}: one nested record per
 * section, each checking its own values. It is long (one file of some 500 lines) on purpose: it
 * mirrors the defaults file section by section, so that a key is found in the same place in both;
 * the checks that span sections (ports) are here at the top.
 */
public record ServerConfig(
    Path dataDir,
    Sip sip,
    Tls tls,
    Registrar registrar,
    Proxy proxy,
    Auth auth,
    Store store,
    Provisioning provisioning,
    Http http,
    Log log,
    Cluster cluster,
    Stun stun,
    Media media,
    Status status,
    Conference conference,
    Park park) {

  public ServerConfig {
    requireDistinctPorts(sip, http, stun);
  }

  /**
   * Two services configured on one port: the second could not open its socket. Said before either
   * tries, naming both keys (0, an ephemeral port, and -1, off, never clash).
   */
  private static void requireDistinctPorts(Sip sip, Http http, Stun stun) {
    Map<Integer, String> tcp = new HashMap<>();
    Map<Integer, String> udp = new HashMap<>();
    claim(udp, sip.udpPort(), "sip.udp-port");
    claim(tcp, sip.tcpPort(), "sip.tcp-port");
    claim(tcp, sip.tlsPort(), "sip.tls-port");
    claim(tcp, sip.wsPort(), "sip.ws-port");
    claim(tcp, sip.wssPort(), "sip.wss-port");
    claim(tcp, http.port(), "http.port");
    claim(udp, stun.port(), "stun.port");
    claim(tcp, stun.port(), "stun.port");
    claim(tcp, stun.tlsPort(), "stun.tls-port");
  }

  private static void claim(Map<Integer, String> taken, int port, String key) {
    if (port <= 0) {
      return;
    }
    String other = taken.putIfAbsent(port, key);
    require(
        other == null,
        key
            + " and "
            + other
            + " are both "
            + port
            + ": two services cannot share a port; change one");
  }

  /** The status page, its monitors and its subscribers' notifications. */
  public record Status(
      boolean enabled,
      String pageName,
      String publicUrl,
      Duration interval,
      Duration quietPeriod,
      int maxBodyChars,
      StatusDelivery delivery,
      Smtp smtp,
      Monitors monitors) {
    public Status {
      require(
          !pageName.isBlank() && pageName.length() <= 100,
          "status.page-name must be 1-100 characters");
      require(
          publicUrl.isEmpty() || publicUrl.matches("https?://[^\\s/]+(/[^\\s]*)?"),
          "status.public-url must be an http(s) URL, or empty");
      require(interval.toMillis() >= 100, "status.interval must be at least 100ms");
      require(!quietPeriod.isNegative(), "status.quiet-period must be 0s or more");
      require(
          maxBodyChars >= 100 && maxBodyChars <= 1_000_000,
          "status.max-body-chars must be 100-1000000");
    }
  }

  public record StatusDelivery(
      int maxAttempts, Duration firstRetry, Duration maxRetry, Duration timeout) {
    public StatusDelivery {
      require(maxAttempts >= 1, "status.delivery.max-attempts must be at least 1");
      require(
          firstRetry.toMillis() >= 100 && maxRetry.compareTo(firstRetry) >= 0,
          "status.delivery: 100ms <= first-retry <= max-retry");
      require(
          timeout.toMillis() >= 100 && timeout.toSeconds() <= 300,
          "status.delivery.timeout must be 100ms to 5m");
    }
  }

  public record Smtp(
      String host, int port, String from, String username, String password, boolean starttls) {
    public Smtp {
      checkPort("status.smtp.port", port);
      require(
          host.isEmpty() || from.contains("@"),
          "status.smtp.from must be a mail address when status.smtp.host is set");
    }

    @Override
    public String toString() {
      return "Smtp[" + host + ":" + port + "]";
    }
  }

  public record Monitors(
      RegistrationMonitor registration,
      Duration certificateExpiry,
      TlsHandshakeMonitor tlsHandshakes,
      boolean stunProbe,
      boolean clusterNodes,
      Duration imports) {
    public Monitors {
      require(
          !certificateExpiry.isNegative(),
          "status.monitors.certificate-expiry must be 0s (off) or more");
      require(!imports.isNegative(), "status.monitors.imports must be 0s (off) or more");
    }
  }

  public record RegistrationMonitor(
      double objective,
      double burnRate,
      Duration shortWindow,
      Duration longWindow,
      int minRequests,
      Duration recentSuccess) {
    public RegistrationMonitor {
      require(
          objective > 0 && objective < 1,
          "status.monitors.registration.objective must be between 0 and 1, e.g. 0.99");
      require(burnRate > 0, "status.monitors.registration.burn-rate must be more than 0");
      require(
          shortWindow.toSeconds() >= 1
              && longWindow.compareTo(shortWindow) >= 0
              && longWindow.toHours() <= 24,
          "status.monitors.registration: 1s <= short-window <= long-window <= 24h");
      require(minRequests >= 1, "status.monitors.registration.min-requests must be at least 1");
      require(
          recentSuccess.compareTo(longWindow) >= 0,
          "status.monitors.registration.recent-success must be at least the long-window, e.g. 24h");
    }
  }

  public record TlsHandshakeMonitor(double maxFailureRatio, Duration window, int minHandshakes) {
    public TlsHandshakeMonitor {
      require(
          maxFailureRatio > 0 && maxFailureRatio <= 1,
          "status.monitors.tls-handshakes.max-failure-ratio must be in (0, 1]");
      require(
          window.toSeconds() >= 1 && window.toHours() <= 24,
          "status.monitors.tls-handshakes.window must be 1s to 24h");
      require(
          minHandshakes >= 1, "status.monitors.tls-handshakes.min-handshakes must be at least 1");
    }
  }

  /** The TURN relay on the STUN server's UDP port (RFC 8656). */
  /** Limits of the STUN server and TURN relay's sockets: {@code stun.limits}. */
  public record StunLimits(
      Duration idleTimeout,
      Duration tlsHandshakeTimeout,
      int maxClientHelloBytes,
      int receiveBufferBytes,
      int maxDatagramBytes,
      int clientQueueBytes,
      int relayDatagramBytes) {
    public StunLimits {
      require(idleTimeout.toSeconds() >= 1, "stun.limits.idle-timeout must be at least 1s");
      require(
          tlsHandshakeTimeout.toMillis() >= 100 && tlsHandshakeTimeout.toMinutes() <= 5,
          "stun.limits.tls-handshake-timeout must be 100ms to 5m");
      require(
          maxClientHelloBytes >= 512 && maxClientHelloBytes <= 1 << 20,
          "stun.limits.max-client-hello-bytes must be 512 to 1048576");
      require(receiveBufferBytes >= 4096, "stun.limits.receive-buffer-bytes must be at least 4096");
      require(
          maxDatagramBytes >= 576 && maxDatagramBytes <= 65_535,
          "stun.limits.max-datagram-bytes must be 576 to 65535");
      require(clientQueueBytes >= 65_536, "stun.limits.client-queue-bytes must be at least 65536");
      require(
          relayDatagramBytes >= 576 && relayDatagramBytes <= 65_535,
          "stun.limits.relay-datagram-bytes must be 576 to 65535");
    }
  }

  public record Turn(
      boolean enabled,
      String realm,
      List<String> users,
      List<String> secrets,
      String relayHost,
      String relayHostIpv6,
      int minPort,
      int maxPort,
      Duration maxLifetime,
      int perUserAllocations,
      int totalAllocations,
      boolean allowLoopbackPeers,
      boolean allowPrivatePeers,
      long bytesPerSecond,
      Duration credentialTtl,
      Duration nonceLifetime) {
    public Turn {
      require(
          nonceLifetime.toSeconds() >= 10 && nonceLifetime.toHours() <= 24,
          "stun.turn.nonce-lifetime must be 10s to 24h");
      require(!realm.isBlank(), "stun.turn.realm must not be empty");
      for (String u : users) {
        require(
            u.indexOf(':') > 0 && u.indexOf(':') < u.length() - 1,
            "stun.turn.users: '" + u.replaceAll(":.*", ":...") + "' is not user:password");
      }
      require(
          minPort >= 1024 && maxPort <= 65535 && minPort <= maxPort,
          "stun.turn.min-port and max-port must be 1024-65535, low to high");
      require(
          relayHostIpv6.isEmpty()
              || (relayHostIpv6.matches("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")
                  && !relayHostIpv6.matches("[:0]*")),
          "stun.turn.relay-host-ipv6 must be one IPv6 address of this machine (not ::), or empty (no IPv6 relays)");
      require(
          maxLifetime.toSeconds() >= 600, "stun.turn.max-lifetime must be at least 10m (RFC 8656)");
      require(
          perUserAllocations >= 1 && totalAllocations >= 1,
          "stun.turn allocation quotas must be at least 1");
      require(bytesPerSecond >= 0, "stun.turn.bytes-per-second must be 0 (unlimited) or more");
      require(
          credentialTtl.toMinutes() >= 1 && credentialTtl.toDays() <= 7,
          "stun.turn.credential-ttl must be 1m to 7d");
    }
  }

  /**
   * The STUN server (RFC 8489) on UDP and TCP, and on {@code tlsPort} over TLS when certificates
   * are configured: {@code host} '' means sip.host; port -1 turns it off.
   */
  public record Stun(
      String host,
      int port,
      int tlsPort,
      int ioThreads,
      Duration probeInterval,
      Duration probeTimeout,
      List<String> probeServers,
      String expectedAddress,
      String publicHost,
      List<String> extraIceServers,
      StunLimits limits,
      Turn turn) {
    public Stun {
      require(port >= -1 && port <= 65535, "stun.port must be 0-65535, or -1 (off)");
      require(tlsPort >= -1 && tlsPort <= 65535, "stun.tls-port must be 0-65535, or -1 (off)");
      require(ioThreads >= 0, "stun.io-threads must be 0 (one per core) or more");
      require(!probeInterval.isNegative(), "stun.probe-interval must be 0s (off) or more");
      require(
          probeTimeout.toMillis() >= 10 && probeTimeout.toMillis() <= 30_000,
          "stun.probe-timeout must be 10ms to 30s");
      for (String url : extraIceServers) {
        require(
            url.matches("(stun|stuns|turn|turns):[^\\s]+"),
            "stun.extra-ice-servers: '" + url + "' is not a stun: or turn: URL");
      }
      for (String server : probeServers) {
        require(
            server.matches("[^\\s:]+:[0-9]{1,5}")
                || server.matches("\\[[0-9a-fA-F:.]+\\]:[0-9]{1,5}"),
            "stun.probe-servers: '" + server + "' is not host:port");
      }
    }

    /**
     * One event loop per core unless set: the Binding sockets (one per loop, SO_REUSEPORT) then
     * answer on every core, and an allocation's relay socket lives on the loop of the socket its
     * client's packets arrive on, so relayed datagrams never cross threads. Measured against coturn
     * with independent clients (bench/stun-independent.sh, bench/turn.sh): Binding answers 1.6
     * times coturn's rate with two loops against 1.0 with one; TURN at 50,000 messages/s lost
     * nothing with two loops where one lost 6 %; at a light 10,000/s two loops cost about 10 % more
     * CPU per message than one (more wake-ups, each with less to do).
     */
    public int effectiveIoThreads() {
      return ioThreads > 0 ? ioThreads : Runtime.getRuntime().availableProcessors();
    }
  }

  /**
   * Several nodes on one PostgreSQL: {@code nodeId} names this one ('' alone), {@code address} is
   * the host:port of its UDP socket the other nodes send to ('' : sip.host and sip.udp-port).
   */
  /**
   * The proxy's limits.
   *
   * @param extensionCacheTtl how long the lines of an extension's devices, read from the store, are
   *     used before they are read again
   * @param carrierRegistrationRetry after a failed registration at a carrier, the wait before the
   *     next attempt (RFC 3261 10.2.5 leaves it to the client; carriers dislike bursts)
   * @param callRecords the call records (CDRs) the proxy writes
   */
  public record Proxy(
      Duration extensionCacheTtl, Duration carrierRegistrationRetry, CallRecords callRecords) {
    public Proxy {
      require(
          extensionCacheTtl.toMillis() >= 100 && extensionCacheTtl.toMinutes() <= 60,
          "proxy.extension-cache-ttl must be 100ms to 1h");
      require(
          carrierRegistrationRetry.toSeconds() >= 1 && carrierRegistrationRetry.toHours() <= 24,
          "proxy.carrier-registration-retry must be 1s to 24h");
    }
  }

  /**
   * Call records (CDRs).
   *
   * @param retention how long a call's record is kept (deleted once a day)
   * @param maxInProgress the most calls followed at once; past it the oldest call's record is
   *     written as ended by the system, so that a flood of INVITEs never grows memory without bound
   */
  public record CallRecords(Duration retention, int maxInProgress) {
    public CallRecords {
      require(
          retention.toHours() >= 1 && retention.toDays() <= 3650,
          "proxy.call-records.retention must be 1h to 3650d");
      require(
          maxInProgress >= 1 && maxInProgress <= 10_000_000,
          "proxy.call-records.max-in-progress must be 1 to 10000000");
    }
  }

  public record Cluster(String nodeId, String address, Duration heartbeatInterval) {
    public Cluster {
      require(
          nodeId.isEmpty() || nodeId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}"),
          "cluster.node-id must be 1-64 letters, digits, '.', '_' or '-' (or empty for a single node)");
      require(
          heartbeatInterval.toMillis() >= 100, "cluster.heartbeat-interval must be at least 100ms");
    }
  }

  public record Sip(
      String host,
      int udpPort,
      int tcpPort,
      int tlsPort,
      int wssPort,
      int wsPort,
      String serverName,
      int ioThreads,
      int udpReceiveBuffer,
      int maxConnections,
      Duration connectionIdleTimeout,
      Limits limits,
      Streams streams,
      Timers timers) {
    public Sip {
      checkPort("sip.udp-port", udpPort);
      checkPort("sip.tcp-port", tcpPort);
      checkPort("sip.tls-port", tlsPort);
      checkPort("sip.wss-port", wssPort);
      checkPort("sip.ws-port", wsPort);
      require(
          udpPort >= 0 || tcpPort >= 0,
          "sip: at least one of udp-port and tcp-port must be enabled");
      require(ioThreads >= 0, "sip.io-threads must be 0 (one per core) or more");
      require(udpReceiveBuffer >= 65536, "sip.udp-receive-buffer must be at least 65536");
      require(maxConnections >= 1, "sip.max-connections must be at least 1");
      require(
          !serverName.isBlank() && serverName.chars().allMatch(c -> c > 32 && c < 127),
          "sip.server-name must be one word of printable ASCII");
    }

    public int effectiveIoThreads() {
      return ioThreads > 0 ? ioThreads : Runtime.getRuntime().availableProcessors();
    }
  }

  public record Tls(
      List<String> certificates,
      List<String> protocols,
      List<String> ciphers,
      String clientAuth,
      String clientCaFile,
      Duration watchInterval,
      Duration expiryWarning,
      String profilesDir,
      String defaultProfile,
      String engine) {
    public Tls {
      require(
          List.of("auto", "boringssl", "jdk").contains(engine),
          "tls.engine must be auto, boringssl or jdk");
      require(
          List.of("none", "optional", "require").contains(clientAuth),
          "tls.client-auth must be none, optional or require");
      require(!watchInterval.isNegative(), "tls.watch-interval must be 0s (off) or more");
      require(!expiryWarning.isNegative(), "tls.expiry-warning must be 0s or more");
    }
  }

  public record Limits(
      int maxMessageBytes, int maxHeaderBytes, int maxHeaders, long completedResponseMemory) {
    public Limits {
      require(
          completedResponseMemory >= 2 << 20,
          "sip.limits.completed-response-memory must be at least 2097152 (2 MiB)");
    }
  }

  /** Limits of stream connections (TCP, TLS, WS, WSS) beside the parser's: {@code sip.streams}. */
  public record Streams(
      Duration tlsHandshakeTimeout,
      int maxClientHelloBytes,
      int maxUpgradeLineBytes,
      int maxUpgradeChunkBytes,
      int maxUpgradeContentBytes,
      int acceptBacklog,
      Duration connectTimeout,
      int maxConnectionsPerSource,
      Duration messageTimeout) {
    public Streams {
      require(
          tlsHandshakeTimeout.toMillis() >= 100 && tlsHandshakeTimeout.toMinutes() <= 5,
          "sip.streams.tls-handshake-timeout must be 100ms to 5m");
      require(
          maxClientHelloBytes >= 512 && maxClientHelloBytes <= 1 << 20,
          "sip.streams.max-client-hello-bytes must be 512 to 1048576");
      require(
          maxUpgradeLineBytes >= 256 && maxUpgradeChunkBytes >= 256 && maxUpgradeContentBytes >= 0,
          "sip.streams: max-upgrade-line-bytes and max-upgrade-chunk-bytes must be at least 256,"
              + " max-upgrade-content-bytes 0 or more");
      require(acceptBacklog >= 1, "sip.streams.accept-backlog must be at least 1");
      require(
          connectTimeout.toMillis() >= 100 && connectTimeout.toMinutes() <= 5,
          "sip.streams.connect-timeout must be 100ms to 5m");
      require(
          maxConnectionsPerSource >= 1,
          "sip.streams.max-connections-per-source must be at least 1");
      require(
          messageTimeout.toMillis() >= 100 && messageTimeout.toMinutes() <= 10,
          "sip.streams.message-timeout must be 100ms to 10m");
    }
  }

  public record Timers(Duration t1, Duration t2, Duration t4, Duration c) {}

  public record Registrar(
      Duration minExpires,
      Duration maxExpires,
      Duration defaultExpires,
      int maxContactsPerAor,
      int expiresRange,
      Duration persistInterval,
      Duration natKeepaliveInterval) {
    public Registrar {
      require(
          natKeepaliveInterval.isZero() || natKeepaliveInterval.toSeconds() >= 1,
          "registrar.nat-keepalive-interval must be 0s (off) or at least 1s");
      require(
          !persistInterval.isNegative(),
          "registrar.persist-interval must be 0s (memory only) or more");
      require(
          expiresRange >= 0 && expiresRange <= 50,
          "registrar.expires-range must be a percentage from 0 to 50");
    }
  }

  public record Auth(
      List<String> algorithms,
      Duration nonceLifetime,
      String nonceSecret,
      FailureLimit failuresPerSource,
      FailureLimit failuresPerAccount,
      Duration previousSecretGrace) {
    public Auth {
      require(!algorithms.isEmpty(), "auth.algorithms must name at least one algorithm");
      require(nonceLifetime.toSeconds() >= 10, "auth.nonce-lifetime must be at least 10s");
      require(
          !previousSecretGrace.isNegative(), "auth.previous-secret-grace must be 0s (off) or more");
    }
  }

  /**
   * The {@code provisioning} section: the blast-radius guard and the limits of an import.
   *
   * @param importLimits the {@code provisioning.import} section ({@code import} is a Java keyword)
   */
  public record Provisioning(Guard guard, @JsonProperty("import") Import importLimits) {}

  public record Guard(int percent, int devices, int smallChange) {
    public Guard {
      require(percent >= 1 && percent <= 100, "provisioning.guard.percent must be 1-100");
      require(devices >= 1, "provisioning.guard.devices must be at least 1");
      require(smallChange >= 0, "provisioning.guard.small-change must be 0 or more");
    }
  }

  public record Import(long maxBytes, int maxRows, int maxErrors) {
    public Import {
      require(maxBytes >= 1024, "provisioning.import.max-bytes must be at least 1024");
      require(maxRows >= 1, "provisioning.import.max-rows must be at least 1");
      require(maxErrors >= 1, "provisioning.import.max-errors must be at least 1");
    }
  }

  public record FailureLimit(int limit, Duration window, Duration block) {}

  public record Store(
      String url,
      String secretKeyFile,
      int poolSize,
      Duration changePollInterval,
      long credentialCacheSize) {
    public Store {
      require(poolSize >= 1, "store.pool-size must be at least 1");
      require(
          changePollInterval.toMillis() >= 100,
          "store.change-poll-interval must be at least 100ms");
      require(credentialCacheSize >= 100, "store.credential-cache-size must be at least 100");
    }
  }

  /**
   * The {@code media} section: whether calls' audio is anchored, and the relay's ports and limits
   * ({@code dev.evertone.media.MediaConfig} checks the rest).
   */
  public record Media(
      String anchor,
      String host,
      String advertisedAddress,
      int portMin,
      int portMax,
      int ioThreads,
      boolean latchAnySource,
      Duration timeout,
      int maxSessions,
      String musicOnHold,
      Duration relatchAfter,
      Recording recording) {
    public Media {
      require(!relatchAfter.isNegative(), "media.relatch-after must be 0s (never) or more");
      require(
          List.of("never", "always").contains(anchor),
          "media.anchor must be never or always, was '" + anchor + "'");
      require(
          portMin % 2 == 0 && portMin >= 1024 && portMin < portMax && portMax <= 65535,
          "media.port-min and media.port-max: an even port of 1024 or more, below a port of at most"
              + " 65535; was "
              + portMin
              + "-"
              + portMax);
      require(ioThreads >= 0, "media.io-threads must be 0 (one per two cores) or more");
      require(maxSessions >= 1, "media.max-sessions must be at least 1");
      require(!timeout.isNegative(), "media.timeout must be 0s (never) or more");
      require(
          advertisedAddress.isEmpty()
              || (AddressPrefix.isValid(advertisedAddress) && !advertisedAddress.contains("/")),
          "media.advertised-address must be an IP address, was '" + advertisedAddress + "'");
    }

    /** Whether calls' audio passes through the relay. */
    public boolean anchors() {
      return anchor.equals("always");
    }
  }

  /**
   * The {@code conference} section: the rooms evertone answers itself ({@code NUMBER@DOMAIN} or
   * {@code NUMBER@DOMAIN;pin=DIGITS}) and their limits.
   */
  public record Conference(
      List<String> rooms, int maxRooms, int maxParticipants, int pinTries, Duration jitterBuffer) {
    public Conference {
      rooms = List.copyOf(rooms);
      for (String room : rooms) {
        require(
            room.strip().matches("[0-9A-Za-z*+._-]{1,32}@[A-Za-z0-9.-]{1,253}(;pin=[0-9]{1,16})?"),
            "conference.rooms: '"
                + room
                + "' is not NUMBER@DOMAIN or NUMBER@DOMAIN;pin=DIGITS (1-16 digits), e.g."
                + " 800@example.com;pin=4321");
      }
      require(maxRooms >= 1, "conference.max-rooms must be at least 1");
      require(
          maxParticipants >= 2 && maxParticipants <= 1000,
          "conference.max-participants must be 2-1000");
      require(pinTries >= 1 && pinTries <= 10, "conference.pin-tries must be 1-10");
      require(
          jitterBuffer.toMillis() >= 20 && jitterBuffer.toMillis() <= 500,
          "conference.jitter-buffer must be 20ms-500ms");
    }
  }

  /**
   * The {@code media.recording} section: which anchored calls are recorded, where, for how long
   * ({@code dev.evertone.recording.RecordingConfig} holds them as the feature uses them).
   */
  public record Recording(
      String policy,
      List<String> domains,
      String directory,
      Duration retention,
      boolean announce,
      Duration jitterDelay,
      Duration maxBacklog) {
    public Recording {
      domains = List.copyOf(domains);
      dev.evertone.recording.RecordingPolicy.parse(policy, "media.recording.policy");
      dev.evertone.recording.RecordingConfig.domains(domains);
      require(
          !retention.isNegative(),
          "media.recording.retention must be 0d (keep every recording) or more");
      require(
          jitterDelay.toMillis() >= 20 && jitterDelay.toMillis() <= 500,
          "media.recording.jitter-delay must be 20ms to 500ms, was "
              + jitterDelay.toMillis()
              + "ms");
      require(
          maxBacklog.toMillis() >= 1000 && maxBacklog.toSeconds() <= 600,
          "media.recording.max-backlog must be 1s to 10m");
    }
  }

  /**
   * The {@code park} section: the park lots evertone answers itself ({@code
   * EXTENSION@DOMAIN;slots=FIRST-LAST[;timeout=DURATION]}); each is read in full, with its ranges
   * checked, by the park module when the server starts.
   */
  public record Park(List<String> lots) {
    public Park {
      lots = List.copyOf(lots);
      for (String lot : lots) {
        require(
            lot.strip()
                .matches(
                    "[0-9]{1,9}@[A-Za-z0-9.-]{1,253};slots=[1-9][0-9]{0,8}-[1-9][0-9]{0,8}"
                        + "(;timeout=[0-9]{1,5}(ms|s|m))?"),
            "park.lots: '"
                + lot
                + "' is not EXTENSION@DOMAIN;slots=FIRST-LAST[;timeout=DURATION], e.g."
                + " 700@example.com;slots=701-709;timeout=60s");
      }
    }
  }

  /**
   * The HTTP listener; {@code trustedProxies} are the addresses or CIDR prefixes whose
   * X-Forwarded-For header names the client.
   */
  public record Http(String host, int port, List<String> trustedProxies) {
    public Http {
      checkPort("http.port", port);
      trustedProxies = List.copyOf(trustedProxies);
      for (String proxy : trustedProxies) {
        require(
            AddressPrefix.isValid(proxy),
            "http.trusted-proxies: '"
                + proxy
                + "' is not an IP address or a CIDR prefix (e.g. 10.0.0.0/8, 2001:db8::/32)");
      }
    }
  }

  public record Log(String level, String format) {
    public Log {
      require(
          List.of("error", "warn", "info", "debug", "trace").contains(level),
          "log.level must be error, warn, info, debug or trace");
      require(List.of("text", "json").contains(format), "log.format must be text or json");
    }
  }

  private static void checkPort(String key, int port) {
    require(port >= -1 && port <= 65535, key + " must be a port 0-65535, or -1 to turn it off");
  }

  static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
