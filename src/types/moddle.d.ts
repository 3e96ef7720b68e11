// bpmn-moddle and dmn-moddle ship no type declarations; this is the part we use.
declare module 'bpmn-moddle' {
  export class BpmnModdle {
    constructor(packages?: Record<string, unknown>);
    fromXML(
      xml: string,
      typeName?: string,
    ): Promise<{ rootElement: unknown; warnings: Array<{ message: string }>; references: unknown[] }>;
  }
}

declare module 'dmn-moddle' {
  export class DmnModdle {
    constructor(packages?: Record<string, unknown>);
    fromXML(
      xml: string,
      typeName?: string,
    ): Promise<{ rootElement: unknown; warnings: Array<{ message: string }>; references: unknown[] }>;
  }
}
