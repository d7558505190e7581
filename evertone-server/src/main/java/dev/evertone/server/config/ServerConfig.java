package dev.evertone.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The whole configuration, as documented in {@code evertone-defaults.yaml}. */
public record ServerConfig(Path dataDir, Sip sip, Registrar registrar, Auth auth, Store store, Http http, Log log) {

  public record Sip(String host, int udpPort, int tcpPort, String serverName, int ioThreads, int udpReceiveBuffer,
      int maxConnections, Duration connectionIdleTimeout, Limits limits, Timers timers) {
    public Sip {
      checkPort("sip.udp-port", udpPort);
      checkPort("sip.tcp-port", tcpPort);
      require(udpPort >= 0 || tcpPort >= 0, "sip: at least one of udp-port and tcp-port must be enabled");
      require(ioThreads >= 0, "sip.io-threads must be 0 (one per core) or more");
      require(udpReceiveBuffer >= 65536, "sip.udp-receive-buffer must be at least 65536");
      require(maxConnections >= 1, "sip.max-connections must be at least 1");
      require(!serverName.isBlank() && serverName.chars().allMatch(c -> c > 32 && c < 127),
          "sip.server-name must be one word of printable ASCII");
    }

    public int effectiveIoThreads() {
      return ioThreads > 0 ? ioThreads : Runtime.getRuntime().availableProcessors();
    }
  }

  public record Limits(int maxMessageBytes, int maxHeaderBytes, int maxHeaders, long completedResponseMemory) {
    public Limits {
      require(completedResponseMemory >= 2 << 20, "sip.limits.completed-response-memory must be at least 2097152 (2 MiB)");
    }
  }

  public record Timers(Duration t1, Duration t2, Duration t4) {}

  public record Registrar(Duration minExpires, Duration maxExpires, Duration defaultExpires, int maxContactsPerAor) {}

  public record Auth(List<String> algorithms, Duration nonceLifetime, String nonceSecret, FailureLimit failuresPerSource,
      FailureLimit failuresPerAccount) {
    public Auth {
      require(!algorithms.isEmpty(), "auth.algorithms must name at least one algorithm");
      require(nonceLifetime.toSeconds() >= 10, "auth.nonce-lifetime must be at least 10s");
    }
  }

  public record FailureLimit(int limit, Duration window, Duration block) {}

  public record Store(String url, String secretKeyFile, int poolSize, Duration changePollInterval, long credentialCacheSize) {
    public Store {
      require(poolSize >= 1, "store.pool-size must be at least 1");
      require(changePollInterval.toMillis() >= 100, "store.change-poll-interval must be at least 100ms");
      require(credentialCacheSize >= 100, "store.credential-cache-size must be at least 100");
    }
  }

  public record Http(String host, int port) {
    public Http {
      checkPort("http.port", port);
    }
  }

  public record Log(String level, String format) {
    public Log {
      require(List.of("error", "warn", "info", "debug", "trace").contains(level), "log.level must be error, warn, info, debug or trace");
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
