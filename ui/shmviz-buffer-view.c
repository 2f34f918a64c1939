/* shmviz-buffer-view.c — the ring of slots, drawn live
 *
 * Drawing is split in layers so that a frame only pays for what changed:
 *  - the static node: the ring's track and the producer and consumer
 *    anchors, drawn once into pictures of the tiles that hold anything;
 *    rebuilt only when size, zoom, palette, scale or slot count change;
 *  - one picture per slot (its outline, index, fill and labels drawn once
 *    into an image at the widget's scale), kept across frames and keyed by
 *    the slot's state and item: a new snapshot redraws only the slots whose
 *    key changed, and hands GTK the very same node objects for the others,
 *    so its diff finds them unchanged and the damage stays where things
 *    moved; the cairo renderer then copies pixels instead of filling
 *    rounded shapes and laying out glyphs on every frame.  Cells
 *    under 16 pixels (thousands of slots) are plain squares instead: they
 *    are painted into one image, again only those whose key changed, as
 *    GTK 4.8's cairo renderer walks every node of the window on every
 *    frame, whatever the damage, and 8192 squares cost it milliseconds;
 *  - the pointers node: in/out pointers and count, rebuilt per generation;
 *  - the overlay: flashes, flying items, hover and focus; drawn every frame,
 *    but only while something animates (a tick callback runs just then).
 *
 * Each layer is drawn in a file of its own (listed in
 * shmviz-buffer-view-internal.h); this one holds the widget: its
 * properties, the snapshot that stacks the layers, animation, input and
 * the spoken description of a slot.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "ledger.h"
#include "shmviz-buffer-view-internal.h"
#include "shmviz-draw.h"
#include "shmviz-palette.h"

enum {
  PROP_0,
  PROP_MODEL,
  PROP_LAYOUT,
  PROP_ZOOM,
  PROP_PALETTE,
  PROP_HIGHLIGHT,
  PROP_FOCUSED_SLOT,
  N_PROPS
};

enum {
  SLOT_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ShmvizBufferView, shmviz_buffer_view, GTK_TYPE_WIDGET)

static void
invalidate_cells (ShmvizBufferView *self)
{
  g_clear_pointer (&self->cells_node, gsk_render_node_unref);
}

static gint64
now_us (ShmvizBufferView *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  return clock ? gdk_frame_clock_get_frame_time (clock) : g_get_monotonic_time ();
}

/* Spoken description ---------------------------------------------------- */

static const char *
state_word (guint state)
{
  switch (state)
    {
    case SHMVIZ_SLOT_EMPTY:   return _("empty");
    case SHMVIZ_SLOT_WRITING: return _("writing");
    case SHMVIZ_SLOT_FULL:    return _("full");
    case SHMVIZ_SLOT_READING: return _("reading");
    default:                  return _("unknown");
    }
}

static const char *
anomaly_word (guint kind)
{
  switch (kind)
    {
    case SHMVIZ_ANOMALY_LOST:        return _("item lost");
    case SHMVIZ_ANOMALY_DUPLICATE:   return _("item read twice");
    case SHMVIZ_ANOMALY_EMPTY_READ:  return _("read while empty");
    case SHMVIZ_ANOMALY_CORRUPT:     return _("torn item");
    case SHMVIZ_ANOMALY_INDEX_DRIFT: return _("index drift");
    case SHMVIZ_ANOMALY_DEADLOCK:    return _("deadlock");
    default:                         return _("anomaly");
    }
}

char *
shmviz_buffer_view_describe_slot (ShmvizBufferView *self,
                                  guint             slot)
{
  const ShmvizSlotView *sv;
  GString *str;

  g_return_val_if_fail (SHMVIZ_IS_BUFFER_VIEW (self), NULL);

  if (slot >= self->n_slots)
    return NULL;

  sv = &self->slots[slot];
  str = g_string_new (NULL);
  if (sv->item != SHMVIZ_ITEM_NONE)
    {
      g_autofree char *label = shmviz_item_label (sv->item);

      /* Translators: "slot 3 of 8, full, item P1#9" */
      g_string_printf (str, _("slot %u of %u, %s, item %s"), slot, self->n_slots, state_word (sv->state), label);
    }
  else
    /* Translators: "slot 3 of 8, empty" */
    g_string_printf (str, _("slot %u of %u, %s"), slot, self->n_slots, state_word (sv->state));

  if (self->n_slots > 0 && slot == self->in % self->n_slots)
    g_string_append (str, _(", in points here"));
  if (self->n_slots > 0 && slot == self->out % self->n_slots)
    g_string_append (str, _(", out points here"));
  if (sv->flash != 0)
    {
      g_string_append (str, ", ");
      /* Translators: the last anomaly seen at a slot, e.g. "last anomaly: item lost" */
      g_string_append_printf (str, _("last anomaly: %s"), anomaly_word (sv->flash - 1));
    }
  return g_string_free (str, FALSE);
}

static void
update_accessible (ShmvizBufferView *self)
{
  g_autofree char *desc = NULL;

  if (self->focused >= 0 && (guint) self->focused < self->n_slots)
    desc = shmviz_buffer_view_describe_slot (self, self->focused);
  else
    desc = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u slot, %d full", "%u slots, %d full", self->n_slots),
                            self->n_slots, (gint) self->count);

  if (g_strcmp0 (desc, self->description) == 0)
    return;
  g_free (self->description);
  self->description = g_steal_pointer (&desc);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->description,
                                  -1);
}

/* Drawing ---------------------------------------------------------------- */

/* Changed cells, chips and flashes scattered over the view can make a
 * damage region of many bands: see SHMVIZ_DRAW_COARSE_DAMAGE. */
static void
coarse_damage (ShmvizBufferView *self,
               GtkSnapshot      *snapshot)
{
  guint n_moving = self->flashing->len + self->frame_rebuilt;

  for (guint p = 0; p < self->n_procs && n_moving <= SHMVIZ_DRAW_COARSE_DAMAGE; p++)
    n_moving += self->flights[p].start_us != 0;
  if (n_moving > SHMVIZ_DRAW_COARSE_DAMAGE)
    shmviz_draw_damage_whole (snapshot,
                              &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (GTK_WIDGET (self)),
                                                   gtk_widget_get_height (GTK_WIDGET (self))),
                              &self->damage_parity);
}

static void
shmviz_buffer_view_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  ShmvizBufferView *self = SHMVIZ_BUFFER_VIEW (widget);
  gboolean dark = shmviz_draw_is_dark (GTK_WIDGET (self), self->palette);
  gint64 now = now_us (self);

  if (!self->have_snapshot || self->n_slots == 0)
    {
      int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);

      shmviz_text_cache_draw (self->text, snapshot, _("No session"), (int) z (self, 18), FALSE, w / 2.0f,
                              h / 2.0f, 0.5f, 0.5f, shmviz_palette_line (self->palette, dark));
      return;
    }

  _shmviz_buffer_view_ensure_geometry (self);
  if (gtk_widget_get_scale_factor (widget) != self->picture_scale)
    {
      /* Crisp on a HiDPI monitor: the pictures drawn again at its scale. */
      self->picture_scale = gtk_widget_get_scale_factor (widget);
      _shmviz_buffer_view_invalidate_geometry (self);
      _shmviz_buffer_view_ensure_geometry (self);
    }

  if (self->static_node != NULL &&
      (self->static_dark != dark || self->static_procs != self->n_procs ||
       g_strcmp0 (self->static_palette, self->palette) != 0))
    {
      g_clear_pointer (&self->static_node, gsk_render_node_unref);
      /* The cells wear the theme too. */
      _shmviz_buffer_view_drop_cell_nodes (self);
      g_clear_pointer (&self->cells_node, gsk_render_node_unref);
    }
  if (self->static_node == NULL)
    {
      /* Pictures in cairo nodes, not textures: GTK 4.8's cairo renderer
       * converts a texture on every draw (see shmviz_draw_image_node()). */
      self->static_node = _shmviz_buffer_view_build_static (self, dark);
      self->static_dark = dark;
      self->static_procs = self->n_procs;
      g_free (self->static_palette);
      self->static_palette = g_strdup (self->palette);
    }
  self->frame_rebuilt = 0;
  if (self->cells_node == NULL || self->slots_node == NULL || self->cells_generation != self->generation)
    {
      g_clear_pointer (&self->cells_node, gsk_render_node_unref);
      self->frame_rebuilt = _shmviz_buffer_view_update_cells (self, dark);
      self->cells_node = _shmviz_buffer_view_build_pointers (self, dark);
      self->cells_generation = self->generation;
    }

  coarse_damage (self, snapshot);
  gtk_snapshot_append_node (snapshot, self->static_node);
  gtk_snapshot_append_node (snapshot, self->slots_node);
  gtk_snapshot_append_node (snapshot, self->cells_node);

  if (self->flashing->len > MAX_RICH_FLASHES)
    _shmviz_buffer_view_paint_flash_storm (self, snapshot, now);
  else
    _shmviz_buffer_view_draw_flashes (self, snapshot, now, dark);

  if (self->highlight >= 0 && (guint) self->highlight < self->n_slots)
    {
      const graphene_rect_t *r = &g_array_index (self->cells, Cell, self->highlight).rect;
      float g = MAX (z (self, 4), self->cell_size * 0.1f);

      shmviz_draw_outline (snapshot, &GRAPHENE_RECT_INIT (r->origin.x - g, r->origin.y - g, r->size.width + 2 * g,
                                                     r->size.height + 2 * g),
                      self->cell_size * 0.25f, z (self, 3), shmviz_palette_anomaly (self->palette, 0));
    }
  if (self->hover >= 0 && (guint) self->hover < self->n_slots)
    {
      const graphene_rect_t *r = &g_array_index (self->cells, Cell, self->hover).rect;
      GdkRGBA c = *shmviz_palette_foreground (self->palette, dark);

      c.alpha = 0.6f;
      shmviz_draw_outline (snapshot, r, self->cell_size * 0.18f, MAX (1.5f, z (self, 2)), &c);
    }
  if (gtk_widget_has_focus (widget) && self->focused >= 0 && (guint) self->focused < self->n_slots)
    {
      const graphene_rect_t *r = &g_array_index (self->cells, Cell, self->focused).rect;
      float g = MAX (z (self, 3), self->cell_size * 0.06f);

      /* The focus ring: accent, outside the cell, thick enough for a projector. */
      shmviz_draw_outline (snapshot, &GRAPHENE_RECT_INIT (r->origin.x - g, r->origin.y - g, r->size.width + 2 * g,
                                                     r->size.height + 2 * g),
                      self->cell_size * 0.22f, z (self, 3), shmviz_palette_accent (self->palette, dark));
    }

  _shmviz_buffer_view_draw_flights (self, snapshot, now, dark);
}

/* Animation -------------------------------------------------------------- */

static gboolean
animating (ShmvizBufferView *self,
           gint64            now)
{
  gboolean any = FALSE;

  for (guint p = 0; p < self->n_procs; p++)
    {
      if (self->flights[p].start_us != 0 && now - self->flights[p].start_us > ANIM_US)
        self->flights[p].start_us = 0;
      any |= self->flights[p].start_us != 0;
    }
  for (guint i = 0; i < self->flashing->len;)
    {
      guint slot = g_array_index (self->flashing, guint, i);

      if (slot >= self->n_slots || now - self->flash_start[slot] > FLASH_US)
        g_array_remove_index_fast (self->flashing, i);
      else
        i++;
    }
  return any || self->flashing->len > 0;
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  ShmvizBufferView *self = SHMVIZ_BUFFER_VIEW (widget);

  gtk_widget_queue_draw (widget);
  if (!animating (self, gdk_frame_clock_get_frame_time (clock)))
    {
      self->tick_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
ensure_tick (ShmvizBufferView *self)
{
  if (self->tick_id == 0 && gtk_widget_get_mapped (GTK_WIDGET (self)))
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
}

/* Public API ------------------------------------------------------------- */

void
shmviz_buffer_view_set_snapshot (ShmvizBufferView     *self,
                                 const ShmvizSnapshot *snapshot)
{
  gboolean first, resized, started = FALSE;
  gint64 now;

  g_return_if_fail (SHMVIZ_IS_BUFFER_VIEW (self));

  if (snapshot == NULL)
    {
      if (self->have_snapshot)
        {
          self->have_snapshot = FALSE;
          self->n_slots = 0;
          self->n_procs = 0;
          _shmviz_buffer_view_invalidate_geometry (self);
          gtk_widget_queue_draw (GTK_WIDGET (self));
        }
      return;
    }

  /* A still frame costs nothing. */
  if (self->have_snapshot && snapshot->generation == self->generation &&
      snapshot->n_slots == self->n_slots && snapshot->n_procs == self->n_procs)
    return;

  first = !self->have_snapshot;
  resized = snapshot->n_slots != self->n_slots || snapshot->n_procs != self->n_procs;
  now = now_us (self);

  if (snapshot->n_slots != self->n_slots)
    {
      self->slots = g_renew (ShmvizSlotView, self->slots, snapshot->n_slots);
      self->flash_seen = g_renew (guint64, self->flash_seen, snapshot->n_slots);
      self->flash_start = g_renew (gint64, self->flash_start, snapshot->n_slots);
      memset (self->flash_seen, 0, sizeof (guint64) * snapshot->n_slots);
      memset (self->flash_start, 0, sizeof (gint64) * snapshot->n_slots);
      g_array_set_size (self->flashing, 0);
      if (self->focused >= (int) snapshot->n_slots)
        self->focused = snapshot->n_slots > 0 ? 0 : -1;
      self->hover = -1;
    }
  if (snapshot->n_procs != self->n_procs)
    {
      self->procs = g_renew (ShmvizProcView, self->procs, snapshot->n_procs);
      self->flights = g_renew (Flight, self->flights, snapshot->n_procs);
      memset (self->flights, 0, sizeof (Flight) * snapshot->n_procs);
    }

  self->n_slots = snapshot->n_slots;
  self->n_procs = snapshot->n_procs;
  self->n_producers = MIN (snapshot->scenario.n_producers, snapshot->n_procs);
  if (self->n_slots > 0)
    memcpy (self->slots, snapshot->slots, sizeof (ShmvizSlotView) * self->n_slots);
  if (self->n_procs > 0)
    memcpy (self->procs, snapshot->procs, sizeof (ShmvizProcView) * self->n_procs);
  self->in = snapshot->in;
  self->out = snapshot->out;
  self->count = snapshot->count;
  self->generation = snapshot->generation;
  self->have_snapshot = TRUE;

  /* New steps that move an item start a flight; the first snapshot only
   * sets the baseline so that opening a session does not replay history. */
  for (guint p = 0; p < self->n_procs; p++)
    {
      const ShmvizProcView *pv = &self->procs[p];
      Flight *f = &self->flights[p];

      if (pv->last_ns == f->seen_ns)
        continue;
      f->seen_ns = pv->last_ns;
      if (first || resized)
        continue;
      if ((pv->last_kind == SHMVIZ_EV_WRITE_SLOT || pv->last_kind == SHMVIZ_EV_READ_SLOT) &&
          pv->last_slot < self->n_slots)
        {
          f->start_us = now;
          f->kind = pv->last_kind;
          f->slot = pv->last_slot;
          f->item = pv->last_item;
          started = TRUE;
        }
    }

  for (guint i = 0; i < self->n_slots; i++)
    {
      const ShmvizSlotView *sv = &self->slots[i];

      if (sv->flash == 0 || sv->flash_ns == self->flash_seen[i])
        continue;
      self->flash_seen[i] = sv->flash_ns;
      if (first && sv->flash_ns + 1500 * G_GUINT64_CONSTANT (1000000) < snapshot->now_ns)
        continue;
      if (now - self->flash_start[i] > FLASH_US)
        g_array_append_val (self->flashing, i);
      self->flash_start[i] = now;
      started = TRUE;
    }

  if (resized)
    _shmviz_buffer_view_invalidate_geometry (self);
  else
    invalidate_cells (self);
  if (started)
    ensure_tick (self);
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

GtkWidget *
shmviz_buffer_view_new (void)
{
  return g_object_new (SHMVIZ_TYPE_BUFFER_VIEW, NULL);
}

void
shmviz_buffer_view_set_model (ShmvizBufferView *self,
                              ShmvizModel      *model)
{
  g_return_if_fail (SHMVIZ_IS_BUFFER_VIEW (self));

  if (self->model == model)
    return;
  g_clear_pointer (&self->model, shmviz_model_unref);
  if (model)
    self->model = shmviz_model_ref (model);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

ShmvizModel *
shmviz_buffer_view_get_model (ShmvizBufferView *self)
{
  g_return_val_if_fail (SHMVIZ_IS_BUFFER_VIEW (self), NULL);
  return self->model;
}

void
shmviz_buffer_view_set_layout (ShmvizBufferView *self,
                               const char       *layout)
{
  const char *canon;

  g_return_if_fail (SHMVIZ_IS_BUFFER_VIEW (self));

  canon = g_strcmp0 (layout, "row") == 0 ? "row" : "ring";
  if (g_strcmp0 (self->layout, canon) == 0)
    return;
  g_free (self->layout);
  self->layout = g_strdup (canon);
  _shmviz_buffer_view_invalidate_geometry (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAYOUT]);
}

const char *
shmviz_buffer_view_get_layout (ShmvizBufferView *self)
{
  g_return_val_if_fail (SHMVIZ_IS_BUFFER_VIEW (self), NULL);
  return self->layout;
}

void
shmviz_buffer_view_set_zoom (ShmvizBufferView *self,
                             double            zoom)
{
  g_return_if_fail (SHMVIZ_IS_BUFFER_VIEW (self));

  zoom = CLAMP (zoom, 1.0, 3.0);
  if (zoom == self->zoom)
    return;
  self->zoom = zoom;
  _shmviz_buffer_view_invalidate_geometry (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

double
shmviz_buffer_view_get_zoom (ShmvizBufferView *self)
{
  g_return_val_if_fail (SHMVIZ_IS_BUFFER_VIEW (self), 1.0);
  return self->zoom;
}

void
shmviz_buffer_view_set_palette (ShmvizBufferView *self,
                                const char       *palette)
{
  const char *canon;

  g_return_if_fail (SHMVIZ_IS_BUFFER_VIEW (self));

  canon = shmviz_palette_canonical (palette);
  if (g_strcmp0 (self->palette, canon) == 0)
    return;
  g_free (self->palette);
  self->palette = g_strdup (canon);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PALETTE]);
}

const char *
shmviz_buffer_view_get_palette (ShmvizBufferView *self)
{
  g_return_val_if_fail (SHMVIZ_IS_BUFFER_VIEW (self), NULL);
  return self->palette;
}

void
shmviz_buffer_view_set_highlight (ShmvizBufferView *self,
                                  int               slot)
{
  g_return_if_fail (SHMVIZ_IS_BUFFER_VIEW (self));

  slot = MAX (slot, -1);
  if (slot == self->highlight)
    return;
  self->highlight = slot;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HIGHLIGHT]);
}

int
shmviz_buffer_view_get_highlight (ShmvizBufferView *self)
{
  g_return_val_if_fail (SHMVIZ_IS_BUFFER_VIEW (self), -1);
  return self->highlight;
}

void
shmviz_buffer_view_set_focused_slot (ShmvizBufferView *self,
                                     int               slot)
{
  g_return_if_fail (SHMVIZ_IS_BUFFER_VIEW (self));

  slot = MAX (slot, -1);
  if (self->n_slots > 0 && slot >= (int) self->n_slots)
    slot = self->n_slots - 1;
  if (slot == self->focused)
    return;
  self->focused = slot;
  update_accessible (self);
  gtk_widget_trigger_tooltip_query (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOCUSED_SLOT]);
}

int
shmviz_buffer_view_get_focused_slot (ShmvizBufferView *self)
{
  g_return_val_if_fail (SHMVIZ_IS_BUFFER_VIEW (self), -1);
  return self->focused;
}

/* Input ------------------------------------------------------------------ */

static void
motion_cb (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           ShmvizBufferView         *self)
{
  int slot = self->have_snapshot ? _shmviz_buffer_view_slot_at (self, x, y) : -1;

  if (slot != self->hover)
    {
      self->hover = slot;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
leave_cb (GtkEventControllerMotion *motion,
          ShmvizBufferView         *self)
{
  if (self->hover != -1)
    {
      self->hover = -1;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
pressed_cb (GtkGestureClick  *gesture,
            int               n_press,
            double            x,
            double            y,
            ShmvizBufferView *self)
{
  int slot = self->have_snapshot ? _shmviz_buffer_view_slot_at (self, x, y) : -1;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (slot < 0)
    return;
  shmviz_buffer_view_set_focused_slot (self, slot);
  g_signal_emit (self, signals[SLOT_ACTIVATED], 0, (guint) slot);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *key,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                ShmvizBufferView      *self)
{
  int n = self->n_slots, f = self->focused, step = 0;
  gboolean row = g_strcmp0 (self->layout, "row") == 0;

  if (n == 0)
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      step = -1;
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      step = 1;
      break;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      if (!row)
        return FALSE;
      step = -(int) self->grid_cols;
      break;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      if (!row)
        return FALSE;
      step = (int) self->grid_cols;
      break;
    case GDK_KEY_Home:
      shmviz_buffer_view_set_focused_slot (self, 0);
      return TRUE;
    case GDK_KEY_End:
      shmviz_buffer_view_set_focused_slot (self, n - 1);
      return TRUE;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_space:
      if (f < 0)
        return FALSE;
      g_signal_emit (self, signals[SLOT_ACTIVATED], 0, (guint) f);
      return TRUE;
    default:
      return FALSE;
    }

  if (step == 0)
    return FALSE;
  /* The ring wraps, as the buffer's indices do. */
  f = f < 0 ? 0 : (((f + step) % n) + n) % n;
  shmviz_buffer_view_set_focused_slot (self, f);
  return TRUE;
}

static void
focus_enter_cb (GtkEventControllerFocus *focus,
                ShmvizBufferView        *self)
{
  if (self->focused < 0 && self->n_slots > 0)
    shmviz_buffer_view_set_focused_slot (self, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
focus_leave_cb (GtkEventControllerFocus *focus,
                ShmvizBufferView        *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
shmviz_buffer_view_query_tooltip (GtkWidget  *widget,
                                  int         x,
                                  int         y,
                                  gboolean    keyboard,
                                  GtkTooltip *tooltip)
{
  ShmvizBufferView *self = SHMVIZ_BUFFER_VIEW (widget);
  g_autofree char *text = NULL;
  int slot;

  if (!self->have_snapshot)
    return FALSE;
  slot = keyboard ? self->focused : _shmviz_buffer_view_slot_at (self, x, y);
  if (slot < 0)
    return FALSE;
  text = shmviz_buffer_view_describe_slot (self, slot);
  gtk_tooltip_set_text (tooltip, text);
  if (!keyboard)
    {
      const graphene_rect_t *r = &g_array_index (self->cells, Cell, slot).rect;

      gtk_tooltip_set_tip_area (tooltip, &(GdkRectangle) { r->origin.x, r->origin.y, MAX (1, r->size.width),
                                                           MAX (1, r->size.height) });
    }
  return TRUE;
}

/* GObject ---------------------------------------------------------------- */

static void
shmviz_buffer_view_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  ShmvizBufferView *self = SHMVIZ_BUFFER_VIEW (widget);

  /* Cells, tags and anchors are sized from the allocation: like the
   * process view beside it, the height floor grows with √zoom so a
   * projector's 1080 lines still hold the totals under it. */
  if (orientation == GTK_ORIENTATION_VERTICAL)
    *minimum = (int) (200 * sqrt (self->zoom));
  else
    *minimum = (int) z (self, 240);
  *natural = (int) z (self, orientation == GTK_ORIENTATION_HORIZONTAL ? 560 : 440);
}

static void
shmviz_buffer_view_unmap (GtkWidget *widget)
{
  ShmvizBufferView *self = SHMVIZ_BUFFER_VIEW (widget);

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (widget, self->tick_id);
      self->tick_id = 0;
    }
  GTK_WIDGET_CLASS (shmviz_buffer_view_parent_class)->unmap (widget);
}

static void
shmviz_buffer_view_system_setting_changed (GtkWidget        *widget,
                                           GtkSystemSetting  setting)
{
  ShmvizBufferView *self = SHMVIZ_BUFFER_VIEW (widget);

  GTK_WIDGET_CLASS (shmviz_buffer_view_parent_class)->system_setting_changed (widget, setting);
  /* Fonts changed: every cached layout and node is stale. */
  shmviz_text_cache_clear (self->text);
  _shmviz_buffer_view_flash_pictures_free (self);
  _shmviz_buffer_view_invalidate_geometry (self);
  gtk_widget_queue_draw (widget);
}

static void
shmviz_buffer_view_finalize (GObject *object)
{
  ShmvizBufferView *self = SHMVIZ_BUFFER_VIEW (object);

  g_clear_pointer (&self->model, shmviz_model_unref);
  _shmviz_buffer_view_drop_cell_nodes (self);
  g_clear_pointer (&self->static_node, gsk_render_node_unref);
  g_clear_pointer (&self->cells_node, gsk_render_node_unref);
  g_free (self->cell_nodes);
  g_free (self->cell_keys);
  g_free (self->cell_valid);
  g_clear_pointer (&self->cells, g_array_unref);
  g_clear_pointer (&self->flashing, g_array_unref);
  _shmviz_buffer_view_flash_pictures_free (self);
  g_clear_pointer (&self->text, shmviz_text_cache_free);
  g_free (self->slots);
  g_free (self->procs);
  g_free (self->flights);
  g_free (self->flash_seen);
  g_free (self->flash_start);
  g_free (self->layout);
  g_free (self->palette);
  g_free (self->static_palette);
  g_free (self->description);

  G_OBJECT_CLASS (shmviz_buffer_view_parent_class)->finalize (object);
}

static void
shmviz_buffer_view_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  ShmvizBufferView *self = SHMVIZ_BUFFER_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_boxed (value, self->model);
      break;
    case PROP_LAYOUT:
      g_value_set_string (value, self->layout);
      break;
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    case PROP_PALETTE:
      g_value_set_string (value, self->palette);
      break;
    case PROP_HIGHLIGHT:
      g_value_set_int (value, self->highlight);
      break;
    case PROP_FOCUSED_SLOT:
      g_value_set_int (value, self->focused);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmviz_buffer_view_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  ShmvizBufferView *self = SHMVIZ_BUFFER_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      shmviz_buffer_view_set_model (self, g_value_get_boxed (value));
      break;
    case PROP_LAYOUT:
      shmviz_buffer_view_set_layout (self, g_value_get_string (value));
      break;
    case PROP_ZOOM:
      shmviz_buffer_view_set_zoom (self, g_value_get_double (value));
      break;
    case PROP_PALETTE:
      shmviz_buffer_view_set_palette (self, g_value_get_string (value));
      break;
    case PROP_HIGHLIGHT:
      shmviz_buffer_view_set_highlight (self, g_value_get_int (value));
      break;
    case PROP_FOCUSED_SLOT:
      shmviz_buffer_view_set_focused_slot (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmviz_buffer_view_class_init (ShmvizBufferViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = shmviz_buffer_view_finalize;
  object_class->get_property = shmviz_buffer_view_get_property;
  object_class->set_property = shmviz_buffer_view_set_property;

  widget_class->snapshot = shmviz_buffer_view_snapshot;
  widget_class->measure = shmviz_buffer_view_measure;
  widget_class->unmap = shmviz_buffer_view_unmap;
  widget_class->query_tooltip = shmviz_buffer_view_query_tooltip;
  widget_class->system_setting_changed = shmviz_buffer_view_system_setting_changed;

  properties[PROP_MODEL] =
    g_param_spec_boxed ("model", NULL, NULL, SHMVIZ_TYPE_MODEL,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAYOUT] =
    g_param_spec_string ("layout", NULL, NULL, "ring",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, 1.0, 3.0, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PALETTE] =
    g_param_spec_string ("palette", NULL, NULL, "default",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HIGHLIGHT] =
    g_param_spec_int ("highlight", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FOCUSED_SLOT] =
    g_param_spec_int ("focused-slot", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ShmvizBufferView::slot-activated:
   * @slot: the slot clicked, or chosen with Enter
   */
  signals[SLOT_ACTIVATED] =
    g_signal_new ("slot-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_css_name (widget_class, "shmvizbufferview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

/* The pictures are drawn again at the new scale on the next frame (see
 * the snapshot); this makes sure there is one. */
static void
scale_factor_changed_cb (ShmvizBufferView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
shmviz_buffer_view_init (ShmvizBufferView *self)
{
  GtkEventController *controller;
  GtkGesture *click;

  self->layout = g_strdup ("ring");
  self->palette = g_strdup ("default");
  self->zoom = 1.0;
  self->highlight = -1;
  self->focused = -1;
  self->hover = -1;
  self->geo_width = -1;
  self->picture_scale = 1;
  self->cells = g_array_new (FALSE, TRUE, sizeof (Cell));
  self->flashing = g_array_new (FALSE, FALSE, sizeof (guint));
  self->text = shmviz_text_cache_new (GTK_WIDGET (self), 512);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "notify::scale-factor", G_CALLBACK (scale_factor_changed_cb), NULL);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (controller, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  click = gtk_gesture_click_new ();
  g_signal_connect (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect (controller, "enter", G_CALLBACK (focus_enter_cb), self);
  g_signal_connect (controller, "leave", G_CALLBACK (focus_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Buffer"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("No session"),
                                  -1);
}
