package dev.evertone.status;

import dev.evertone.store.status.Incident;
import dev.evertone.store.status.IncidentUpdate;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The incident history as RSS 2.0 and Atom (RFC 4287) feeds, as Statuspage serves them at
 * /history.rss and /history.atom.
 */
final class StatusFeeds {
  private static final String ATOM = "http://www.w3.org/2005/Atom";

  private StatusFeeds() {}

  static String rss(String pageName, String url, List<Incident> incidents, Instant now) {
    return write(
        w -> {
          w.writeStartElement("rss");
          w.writeAttribute("version", "2.0");
          w.writeStartElement("channel");
          element(w, "title", pageName + " - Incident History");
          element(w, "link", url);
          element(w, "description", "Statuspage incidents and maintenances of " + pageName);
          element(
              w,
              "lastBuildDate",
              DateTimeFormatter.RFC_1123_DATE_TIME.format(now.atOffset(ZoneOffset.UTC)));
          for (Incident i : incidents) {
            w.writeStartElement("item");
            element(w, "title", i.name());
            element(w, "description", description(i));
            element(
                w,
                "pubDate",
                DateTimeFormatter.RFC_1123_DATE_TIME.format(
                    i.createdAt().atOffset(ZoneOffset.UTC)));
            element(w, "link", url + "/incidents/" + i.id());
            w.writeStartElement("guid");
            w.writeAttribute("isPermaLink", "true");
            w.writeCharacters(url + "/incidents/" + i.id());
            w.writeEndElement();
            w.writeEndElement();
          }
          w.writeEndElement();
          w.writeEndElement();
        });
  }

  static String atom(String pageName, String url, List<Incident> incidents, Instant now) {
    return write(
        w -> {
          w.setDefaultNamespace(ATOM);
          w.writeStartElement(ATOM, "feed");
          w.writeDefaultNamespace(ATOM);
          w.writeAttribute("xml:lang", "en");
          element(
              w,
              "id",
              "tag:evertone," + now.atOffset(ZoneOffset.UTC).getYear() + ":" + url + "/history");
          link(w, url, "alternate", "text/html");
          link(w, url + "/history.atom", "self", "application/atom+xml");
          element(w, "title", pageName + " - Incident History");
          element(
              w, "updated", (incidents.isEmpty() ? now : incidents.get(0).updatedAt()).toString());
          for (Incident i : incidents) {
            w.writeStartElement("entry");
            element(
                w,
                "id",
                "tag:evertone,"
                    + i.createdAt().atOffset(ZoneOffset.UTC).getYear()
                    + ":incident:"
                    + i.id());
            element(w, "published", i.createdAt().toString());
            element(w, "updated", i.updatedAt().toString());
            link(w, url + "/incidents/" + i.id(), "alternate", "text/html");
            element(w, "title", i.name());
            w.writeStartElement("content");
            w.writeAttribute("type", "html");
            w.writeCharacters(description(i));
            w.writeEndElement();
            w.writeStartElement("author");
            element(w, "name", pageName);
            w.writeEndElement();
            w.writeEndElement();
          }
          w.writeEndElement();
        });
  }

  /** The updates as small HTML (escaped once more by the XML writer, as feed readers expect). */
  private static String description(Incident i) {
    StringBuilder b = new StringBuilder();
    for (IncidentUpdate u : i.updates()) {
      b.append("<p><small>")
          .append(u.createdAt())
          .append("</small><br><strong>")
          .append(Html.esc(Notifications.words(u.status().wire())))
          .append("</strong> - ")
          .append(Html.esc(u.body()))
          .append("</p>");
    }
    return b.toString();
  }

  private interface Body {
    void write(XMLStreamWriter w) throws XMLStreamException;
  }

  private static String write(Body body) {
    StringWriter out = new StringWriter();
    try {
      XMLStreamWriter w = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
      w.writeStartDocument("UTF-8", "1.0");
      body.write(w);
      w.writeEndDocument();
      w.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException(e);
    }
    return out.toString();
  }

  private static void element(XMLStreamWriter w, String name, String text)
      throws XMLStreamException {
    w.writeStartElement(name);
    w.writeCharacters(text);
    w.writeEndElement();
  }

  private static void link(XMLStreamWriter w, String href, String rel, String type)
      throws XMLStreamException {
    w.writeEmptyElement("link");
    w.writeAttribute("rel", rel);
    w.writeAttribute("type", type);
    w.writeAttribute("href", href);
  }
}
