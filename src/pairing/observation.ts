// What a tap saw of one exchange, as pairing compares it: its own file so pairing.ts and
// pair-findings.ts both depend on it, not on each other.
import type { Exchange, ResponseSummary, SeenHeader } from '../capture/types.js'
import { recogniseLayers } from '../diagnose/layers/index.js'
import type { LayerId } from '../rules/meta.js'
import { viewOf } from '../diagnose/view.js'

export interface Observation {
  method: string
  /** Path without the query. */
  path: string
  /** Exchange.arrived at that tap (fingerprints from the same process hasher). */
  arrived: SeenHeader[]
  /** What the tap's upstream answered; the response headers are compared across the taps. */
  response?: ResponseSummary
  /** The exchange's id at that tap (the origin's findings are grouped by it). */
  exchangeId?: string
  /** Layers recognised at that tap: the ones the origin sees and the edge does not are between them. */
  layers?: LayerId[]
}

/** The observation of an exchange at a tap: what pairing compares. Never throws (layers fail open). */
export function observationOf (exchange: Exchange): Observation {
  let layers: LayerId[] = []
  try {
    layers = recogniseLayers(viewOf(exchange), exchange).map((l) => l.id)
  } catch { /* fail open: the pair is still compared, blamed on an unknown proxy */ }
  return { method: exchange.method, path: exchange.path, arrived: exchange.arrived, response: exchange.response, exchangeId: exchange.id, layers }
}
