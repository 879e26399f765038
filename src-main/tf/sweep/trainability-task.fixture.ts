// Test fixture: registers the trainability task in a TF worker (trainability-task.test.ts), as the lead will in
// tasks.ts.
import type { TaskHandler } from '../tasks';
import { trainabilityTask } from './trainability-task';

export const tasks: Record<string, TaskHandler> = { trainability: trainabilityTask };
