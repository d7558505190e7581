package dev.evertone.tests.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/** The lines one logger writes while it is open: what an operator would read in the log. */
public final class LogLines implements AutoCloseable {
  private final Logger logger;
  private final @Nullable Level level;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  /** Collects what {@code source} logs at INFO and above (whatever the configured level). */
  public LogLines(Class<?> source) {
    this.logger = (Logger) LoggerFactory.getLogger(source);
    this.level = logger.getLevel();
    logger.setLevel(Level.INFO);
    appender.start();
    logger.addAppender(appender);
  }

  /** The formatted messages so far. */
  public List<String> messages() {
    return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    logger.setLevel(level);
  }
}
