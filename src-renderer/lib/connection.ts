// What the status bar knows about the engine connection.
import type { LabInfo } from '../../src-shared/contract/messages';

export type Connection =
  | { state: 'connecting' }
  | { state: 'connected'; transport: LabInfo['transport']; info: LabInfo }
  | { state: 'offline'; reason: string; transport?: LabInfo['transport'] };
