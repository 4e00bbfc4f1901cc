/**
 * JSON without lossy numbers: integers too long for a JavaScript number (more than 15 digits)
 * are read as strings, so a meeting id never silently changes. Everything else is JSON.parse.
 */
export function parseJsonLossless(text: string): unknown {
  let out = "";
  let i = 0;
  let inString = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (inString) {
      out += ch;
      if (ch === "\\") {
        out += text[i + 1] ?? "";
        i += 2;
        continue;
      }
      if (ch === '"') inString = false;
      i += 1;
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
      i += 1;
      continue;
    }
    if (ch === "-" || (ch >= "0" && ch <= "9")) {
      let j = i + 1;
      while (j < text.length && /[0-9eE.+-]/.test(text[j]!)) j += 1;
      const token = text.slice(i, j);
      const digits = token.replace(/^-/, "");
      out += /^[0-9]{16,}$/.test(digits) ? `"${token}"` : token;
      i = j;
      continue;
    }
    out += ch;
    i += 1;
  }
  return JSON.parse(out);
}
