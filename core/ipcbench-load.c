/* ipcbench-load.c — read a saved speed-lab result back
 *
 * The core may use GLib only, and GLib has no JSON reader, so this is a
 * small one for JSON in general (RFC 8259, nesting bounded) that then
 * picks out exactly the keys shmviz_bench_result_to_json() writes.  Keys
 * it does not know are skipped, missing figures read as "not measured"
 * (NAN), and nothing in the file is trusted: every row is checked before
 * it becomes a ShmvizBenchRow.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "ipcbench.h"

#define MAX_DEPTH 32

typedef enum {
  NODE_NULL,
  NODE_BOOL,
  NODE_NUMBER,
  NODE_STRING,
  NODE_ARRAY,
  NODE_OBJECT,
} NodeType;

typedef struct _Node Node;
struct _Node {
  NodeType   type;
  gboolean   boolean;
  gdouble    number;
  char      *string;
  GPtrArray *items;     /* of Node; arrays and objects */
  GPtrArray *keys;      /* of char *; objects, parallel to items */
};

static void
node_free (Node *node)
{
  if (!node)
    return;
  g_free (node->string);
  g_clear_pointer (&node->items, g_ptr_array_unref);
  g_clear_pointer (&node->keys, g_ptr_array_unref);
  g_free (node);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Node, node_free)

typedef struct {
  const char *p;
  const char *end;
  const char *start;
  GError    **error;
} Parser;

static gboolean
fail (Parser     *parser,
      const char *what)
{
  if (*parser->error == NULL)
    g_set_error (parser->error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 _("Not a saved benchmark result: %s at byte %zu"),
                 what, (gsize) (parser->p - parser->start));
  return FALSE;
}

static void
skip_space (Parser *parser)
{
  while (parser->p < parser->end &&
         (*parser->p == ' ' || *parser->p == '\t' || *parser->p == '\n' || *parser->p == '\r'))
    parser->p++;
}

static gboolean
literal (Parser     *parser,
         const char *word)
{
  gsize len = strlen (word);

  if ((gsize) (parser->end - parser->p) < len || memcmp (parser->p, word, len) != 0)
    return fail (parser, _("unexpected text"));
  parser->p += len;
  return TRUE;
}

static int
hex_digit (char c)
{
  return g_ascii_xdigit_value (c);
}

static gboolean
parse_hex4 (Parser  *parser,
            guint32 *out)
{
  *out = 0;
  if (parser->end - parser->p < 4)
    return fail (parser, _("a short \\u escape"));
  for (guint i = 0; i < 4; i++)
    {
      int d = hex_digit (parser->p[i]);

      if (d < 0)
        return fail (parser, _("a bad \\u escape"));
      *out = *out * 16 + d;
    }
  parser->p += 4;
  return TRUE;
}

static char *
parse_string (Parser *parser)
{
  g_autoptr(GString) out = g_string_new (NULL);

  parser->p++;  /* the opening quote */
  while (parser->p < parser->end && *parser->p != '"')
    {
      guchar c = (guchar) *parser->p;

      if (c < 0x20)
        {
          fail (parser, _("a control character in a string"));
          return NULL;
        }
      if (c != '\\')
        {
          g_string_append_c (out, (char) c);
          parser->p++;
          continue;
        }
      if (++parser->p >= parser->end)
        break;
      switch (*parser->p++)
        {
        case '"':  g_string_append_c (out, '"'); break;
        case '\\': g_string_append_c (out, '\\'); break;
        case '/':  g_string_append_c (out, '/'); break;
        case 'b':  g_string_append_c (out, '\b'); break;
        case 'f':  g_string_append_c (out, '\f'); break;
        case 'n':  g_string_append_c (out, '\n'); break;
        case 'r':  g_string_append_c (out, '\r'); break;
        case 't':  g_string_append_c (out, '\t'); break;
        case 'u':
          {
            guint32 u, lo;

            if (!parse_hex4 (parser, &u))
              return NULL;
            /* A surrogate pair spells one character beyond the BMP. */
            if (u >= 0xd800 && u < 0xdc00 && parser->end - parser->p >= 6 &&
                parser->p[0] == '\\' && parser->p[1] == 'u')
              {
                parser->p += 2;
                if (!parse_hex4 (parser, &lo))
                  return NULL;
                if (lo >= 0xdc00 && lo < 0xe000)
                  u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
                else
                  u = 0xfffd;
              }
            if ((u >= 0xd800 && u < 0xe000) || u == 0)
              u = 0xfffd;
            g_string_append_unichar (out, u);
          }
          break;
        default:
          parser->p--;
          fail (parser, _("a bad escape"));
          return NULL;
        }
    }
  if (parser->p >= parser->end)
    {
      fail (parser, _("an unterminated string"));
      return NULL;
    }
  parser->p++;  /* the closing quote */
  if (!g_utf8_validate (out->str, out->len, NULL))
    {
      fail (parser, _("a string that is not UTF-8"));
      return NULL;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
parse_number (Parser  *parser,
              gdouble *out)
{
  const char *q = parser->p;
  char buf[64];
  char *endp;

  while (q < parser->end && strchr ("+-0123456789.eE", *q))
    q++;
  if (q == parser->p || q - parser->p >= (gssize) sizeof buf)
    return fail (parser, _("a bad number"));
  memcpy (buf, parser->p, q - parser->p);
  buf[q - parser->p] = '\0';
  *out = g_ascii_strtod (buf, &endp);
  if (*endp != '\0' || !isfinite (*out))
    return fail (parser, _("a bad number"));
  parser->p = q;
  return TRUE;
}

static Node *parse_value (Parser *parser,
                          guint   depth);

static gboolean
parse_members (Parser *parser,
               Node   *node,
               char    close,
               guint   depth)
{
  parser->p++;  /* the opening bracket */
  skip_space (parser);
  if (parser->p < parser->end && *parser->p == close)
    {
      parser->p++;
      return TRUE;
    }
  for (;;)
    {
      Node *child;

      skip_space (parser);
      if (node->type == NODE_OBJECT)
        {
          char *key;

          if (parser->p >= parser->end || *parser->p != '"')
            return fail (parser, _("a missing key"));
          if (!(key = parse_string (parser)))
            return FALSE;
          g_ptr_array_add (node->keys, key);
          skip_space (parser);
          if (parser->p >= parser->end || *parser->p != ':')
            return fail (parser, _("a missing colon"));
          parser->p++;
        }
      if (!(child = parse_value (parser, depth + 1)))
        {
          /* Keep keys and items parallel for node_free's sake. */
          if (node->type == NODE_OBJECT)
            g_ptr_array_remove_index (node->keys, node->keys->len - 1);
          return FALSE;
        }
      g_ptr_array_add (node->items, child);
      skip_space (parser);
      if (parser->p < parser->end && *parser->p == ',')
        {
          parser->p++;
          continue;
        }
      if (parser->p < parser->end && *parser->p == close)
        {
          parser->p++;
          return TRUE;
        }
      return fail (parser, _("a missing comma"));
    }
}

static Node *
parse_value (Parser *parser,
             guint   depth)
{
  g_autoptr(Node) node = g_new0 (Node, 1);

  if (depth > MAX_DEPTH)
    {
      fail (parser, _("nesting too deep"));
      return NULL;
    }
  skip_space (parser);
  if (parser->p >= parser->end)
    {
      fail (parser, _("an unexpected end"));
      return NULL;
    }
  switch (*parser->p)
    {
    case '{':
    case '[':
      node->type = *parser->p == '{' ? NODE_OBJECT : NODE_ARRAY;
      node->items = g_ptr_array_new_with_free_func ((GDestroyNotify) node_free);
      if (node->type == NODE_OBJECT)
        node->keys = g_ptr_array_new_with_free_func (g_free);
      if (!parse_members (parser, node, node->type == NODE_OBJECT ? '}' : ']', depth))
        return NULL;
      break;
    case '"':
      node->type = NODE_STRING;
      if (!(node->string = parse_string (parser)))
        return NULL;
      break;
    case 't':
    case 'f':
      node->type = NODE_BOOL;
      node->boolean = *parser->p == 't';
      if (!literal (parser, node->boolean ? "true" : "false"))
        return NULL;
      break;
    case 'n':
      node->type = NODE_NULL;
      if (!literal (parser, "null"))
        return NULL;
      break;
    default:
      node->type = NODE_NUMBER;
      if (!parse_number (parser, &node->number))
        return NULL;
    }
  return g_steal_pointer (&node);
}

static const Node *
member (const Node *object,
        const char *key)
{
  if (!object || object->type != NODE_OBJECT)
    return NULL;
  /* The last of duplicate keys wins, as in most readers. */
  for (guint i = object->keys->len; i-- > 0;)
    if (strcmp (g_ptr_array_index (object->keys, i), key) == 0)
      return g_ptr_array_index (object->items, i);
  return NULL;
}

static gdouble
member_number (const Node *object,
               const char *key)
{
  const Node *n = member (object, key);

  return n && n->type == NODE_NUMBER ? n->number : NAN;
}

static guint64
member_count (const Node *object,
              const char *key)
{
  gdouble v = member_number (object, key);

  return isfinite (v) && v >= 0 && v < 1.8e19 ? (guint64) v : 0;
}

static gboolean
member_bool (const Node *object,
             const char *key,
             gboolean    fallback)
{
  const Node *n = member (object, key);

  return n && n->type == NODE_BOOL ? n->boolean : fallback;
}

static char *
member_string (const Node *object,
               const char *key)
{
  const Node *n = member (object, key);

  return n && n->type == NODE_STRING ? g_strdup (n->string) : NULL;
}

static void
member_figure (const Node        *object,
               const char        *key,
               ShmvizBenchFigure *figure)
{
  g_autofree char *min_key = g_strconcat (key, "_min", NULL);
  g_autofree char *max_key = g_strconcat (key, "_max", NULL);

  figure->median = member_number (object, key);
  figure->min = member_number (object, min_key);
  figure->max = member_number (object, max_key);
  /* A file without a spread still draws: the spread is the median. */
  if (!isfinite (figure->min))
    figure->min = figure->median;
  if (!isfinite (figure->max))
    figure->max = figure->median;
}

static void
clear_loaded_row (gpointer data)
{
  ShmvizBenchRow *row = data;

  g_clear_pointer (&row->note, g_free);
}

ShmvizBenchResult *
shmviz_bench_result_from_json (const char *json,
                               gssize      length,
                               GError    **error)
{
  g_autoptr(ShmvizBenchResult) result = NULL;
  g_autoptr(Node) root = NULL;
  Parser parser;
  const Node *machine, *results, *kind;

  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length < 0)
    length = strlen (json);
  parser = (Parser) { json, json + length, json, error };
  if (!(root = parse_value (&parser, 0)))
    return NULL;
  skip_space (&parser);
  if (parser.p != parser.end)
    {
      fail (&parser, _("text after the end"));
      return NULL;
    }
  kind = member (root, "benchmark");
  results = member (root, "results");
  if (root->type != NODE_OBJECT || !kind || kind->type != NODE_STRING ||
      strcmp (kind->string, "ipc") != 0 || !results || results->type != NODE_ARRAY)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Not a saved benchmark result: it needs \"benchmark\": \"ipc\" and a \"results\" list"));
      return NULL;
    }

  result = g_new0 (ShmvizBenchResult, 1);
  result->rows = g_array_new (FALSE, TRUE, sizeof (ShmvizBenchRow));
  g_array_set_clear_func (result->rows, clear_loaded_row);
  machine = member (root, "machine");
  result->n_cpus = (guint) MIN (member_count (machine, "cpus"), 65536);
  result->cpu_model = member_string (machine, "cpu_model");
  result->kernel = member_string (machine, "kernel");
  result->pinned = member_bool (machine, "pinned", FALSE);
  result->load_average = member_number (machine, "load_average");
  result->date = member_string (root, "date");
  result->memcpy_bytes_per_second = member_number (root, "memcpy_bytes_per_second");
  result->cacheline_handoff_ns = member_number (root, "cacheline_handoff_ns");
  result->seconds = member_number (root, "seconds");
  if (!result->cpu_model)
    result->cpu_model = g_strdup (_("unknown CPU"));
  if (!result->kernel)
    result->kernel = g_strdup (_("unknown kernel"));
  if (!result->date)
    result->date = g_strdup ("");

  for (guint i = 0; i < results->items->len; i++)
    {
      const Node *item = g_ptr_array_index (results->items, i);
      g_autofree char *name = member_string (item, "mechanism");
      gdouble size = member_number (item, "size");
      ShmvizBenchRow row = { 0 };
      guint m;

      for (m = 0; m < SHMVIZ_BENCH_N_MECHANISMS; m++)
        if (g_strcmp0 (name, shmviz_bench_mechanism_name (m)) == 0)
          break;
      if (m == SHMVIZ_BENCH_N_MECHANISMS || !isfinite (size) ||
          size < 1 || size > SHMVIZ_BENCH_MAX_SIZE || size != floor (size))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("Not a saved benchmark result: row %u has no known mechanism and size"), i + 1);
          return NULL;
        }
      /* Readers look rows up by mechanism and size; a second one would hide. */
      if (shmviz_bench_result_lookup (result, m, (guint) size))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("Not a saved benchmark result: %s at %u B appears twice"), name, (guint) size);
          return NULL;
        }
      row.mechanism = m;
      row.size = (guint) size;
      row.supported = member_bool (item, "supported", TRUE);
      row.failed = member_bool (item, "failed", FALSE);
      row.note = member_string (item, "note");
      row.repetitions = (guint) MIN (member_count (item, "repetitions"), SHMVIZ_BENCH_MAX_REPS);
      row.stream_messages = member_count (item, "stream_messages");
      row.round_trips = member_count (item, "round_trips");
      member_figure (item, "messages_per_second", &row.messages_per_second);
      member_figure (item, "bytes_per_second", &row.bytes_per_second);
      member_figure (item, "latency_ns_median", &row.latency_ns_median);
      member_figure (item, "latency_ns_p99", &row.latency_ns_p99);
      row.messages_checked = member_count (item, "messages_checked");
      row.order_errors = member_count (item, "order_errors");
      row.checksum_errors = member_count (item, "checksum_errors");
      g_array_append_val (result->rows, row);
    }
  return g_steal_pointer (&result);
}
