package dev.workspace.server.files;

import java.util.Locale;
import java.util.regex.Pattern;

/** Reduces what an uploader declares to what is safe to store and to send back. */
public final class FileNames {
  /** The name given to a file whose declared name leaves nothing. */
  public static final String DEFAULT_NAME = "file";
  /** The media type given to a file that declares none, or one that is not {@code type/subtype}. */
  public static final String DEFAULT_MEDIA_TYPE = "application/octet-stream";
  /** Longest stored name, in characters. */
  public static final int MAX_NAME_LENGTH = 200;

  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9!#$&^_.+-]{1,64}");
  private static final Pattern PARAMETER = Pattern.compile("[A-Za-z0-9!#$&^_.+-]{1,64}=(\"[^\"\\\\\\p{Cntrl}]{0,128}\"|[A-Za-z0-9!#$&^_.+-]{1,128})");

  private static final Pattern ID = Pattern.compile("f_[A-Za-z0-9_-]{22}");
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  private FileNames() {
  }

  /** @return a new file id: {@code f_} and 128 random bits, base64url */
  public static String newId() {
    byte[] bits = new byte[16];
    RANDOM.nextBytes(bits);
    return "f_" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
  }

  /**
   * @param id a string
   * @return whether it has the shape of a file id
   */
  public static boolean isId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /**
   * @param declared a name as an uploader gave it, perhaps a path, or {@code null}
   * @return its last path segment, with control characters, quotes and path separators replaced by {@code _},
   *     leading dots and spaces removed, at most {@value #MAX_NAME_LENGTH} characters; {@value #DEFAULT_NAME} when
   *     nothing is left
   */
  public static String safeName(String declared) {
    if (declared == null) {
      return DEFAULT_NAME;
    }
    String base = declared;
    int cut = Math.max(base.lastIndexOf('/'), base.lastIndexOf('\\'));
    if (cut >= 0) {
      base = base.substring(cut + 1);
    }
    StringBuilder out = new StringBuilder(Math.min(base.length(), MAX_NAME_LENGTH));
    base.codePoints().forEach(cp -> {
      boolean bad = Character.isISOControl(cp) || cp == '"' || cp == ':' || cp == '*' || cp == '?' || cp == '<'
          || cp == '>' || cp == '|' || cp == ';' || Character.getType(cp) == Character.FORMAT
          || Character.getType(cp) == Character.SURROGATE || Character.getType(cp) == Character.UNASSIGNED;
      out.appendCodePoint(bad ? '_' : cp);
    });
    String name = out.toString().strip();
    int start = 0;
    while (start < name.length() && (name.charAt(start) == '.' || name.charAt(start) == ' ')) {
      start++;
    }
    name = name.substring(start);
    if (name.codePointCount(0, name.length()) > MAX_NAME_LENGTH) {
      name = name.substring(0, name.offsetByCodePoints(0, MAX_NAME_LENGTH));
    }
    return name.isEmpty() ? DEFAULT_NAME : name;
  }

  /**
   * @param declared a media type as an uploader gave it, or {@code null}
   * @return it in lower case when it is {@code type/subtype} with well-formed parameters, else
   *     {@value #DEFAULT_MEDIA_TYPE}; never guessed from the bytes
   */
  public static String mediaType(String declared) {
    if (declared == null) {
      return DEFAULT_MEDIA_TYPE;
    }
    String[] parts = declared.split(";");
    String[] type = parts[0].trim().split("/", -1);
    if (type.length != 2 || !TOKEN.matcher(type[0]).matches() || !TOKEN.matcher(type[1]).matches()) {
      return DEFAULT_MEDIA_TYPE;
    }
    StringBuilder out = new StringBuilder(parts[0].trim().toLowerCase(Locale.ROOT));
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].trim();
      if (!PARAMETER.matcher(p).matches()) {
        return DEFAULT_MEDIA_TYPE;
      }
      out.append("; ").append(p);
    }
    return out.length() > 255 ? DEFAULT_MEDIA_TYPE : out.toString();
  }
}
