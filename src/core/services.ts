/**
 * Named services that stages offer each other (the TTS task manager, the memory store, ...).
 * Each stage adds its entry by declaration merging in its own folder:
 *
 *   declare module '../core/services.ts' { interface ServiceMap { tts: SpeechOutput } }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ServiceMap {}

export type ServiceName = keyof ServiceMap;

export class ServiceRegistry {
  private readonly services = new Map<string, unknown>();

  provide<K extends ServiceName>(name: K, service: ServiceMap[K]): () => void {
    this.services.set(name as string, service);
    return () => {
      if (this.services.get(name as string) === service) this.services.delete(name as string);
    };
  }

  get<K extends ServiceName>(name: K): ServiceMap[K] | undefined {
    return this.services.get(name as string) as ServiceMap[K] | undefined;
  }

  has(name: ServiceName): boolean {
    return this.services.has(name as string);
  }
}
