/**
 * A minimal ONNX (protobuf) writer: enough to build small test graphs with metadata, without a
 * protobuf dependency. Field numbers follow onnx/onnx.proto (ModelProto, GraphProto, NodeProto,
 * TensorProto, ValueInfoProto, AttributeProto).
 */

class ProtoWriter {
  private readonly parts: Buffer[] = [];

  private varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    const bytes: number[] = [];
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) byte |= 0x80;
      bytes.push(byte);
    } while (v !== 0n);
    this.parts.push(Buffer.from(bytes));
  }

  private key(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  int(field: number, value: number | bigint): this {
    this.key(field, 0);
    this.varint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.key(field, 5);
    const b = Buffer.alloc(4);
    b.writeFloatLE(value);
    this.parts.push(b);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, 2);
    this.varint(value.length);
    this.parts.push(Buffer.from(value));
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, Buffer.from(value, 'utf8'));
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export const DataType = { FLOAT: 1, INT32: 6, INT64: 7 } as const;

export interface TensorInit {
  name: string;
  dims: number[];
  dataType: (typeof DataType)[keyof typeof DataType];
  /** Little-endian raw bytes of the values. */
  raw: Buffer;
}

export type Attribute =
  | { name: string; kind: 'int'; value: number }
  | { name: string; kind: 'ints'; value: number[] }
  | { name: string; kind: 'float'; value: number };

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  attributes?: Attribute[];
}

export interface ValueSpec {
  name: string;
  elemType: (typeof DataType)[keyof typeof DataType];
  /** Numbers are fixed sizes; strings are symbolic (dynamic) dimensions. */
  shape: Array<number | string>;
}

export interface ModelSpec {
  graphName: string;
  nodes: NodeSpec[];
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  initializers: TensorInit[];
  metadata: Record<string, string>;
  opset?: number;
}

function writeValueInfo(w: ProtoWriter, v: ValueSpec): void {
  w.string(1, v.name).message(2, (type) =>
    type.message(1, (tensor) =>
      tensor.int(1, v.elemType).message(2, (shape) => {
        for (const d of v.shape) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      }),
    ),
  );
}

const ATTR_TYPE = { float: 1, int: 2, ints: 7 } as const;

/** Serialises a model to ONNX protobuf bytes. */
export function encodeOnnxModel(spec: ModelSpec): Buffer {
  const w = new ProtoWriter();
  w.int(1, 8); // ir_version
  w.string(2, 'vtuber-engine make-test-models');
  w.message(7, (g) => {
    for (const n of spec.nodes) {
      g.message(1, (node) => {
        for (const i of n.inputs) node.string(1, i);
        for (const o of n.outputs) node.string(2, o);
        node.string(3, n.name ?? `${n.op}_${n.outputs[0] ?? ''}`);
        node.string(4, n.op);
        for (const a of n.attributes ?? []) {
          node.message(5, (attr) => {
            attr.string(1, a.name);
            if (a.kind === 'float') attr.float(2, a.value);
            else if (a.kind === 'int') attr.int(3, a.value);
            else for (const v of a.value) attr.int(8, v);
            attr.int(20, ATTR_TYPE[a.kind]);
          });
        }
      });
    }
    g.string(2, spec.graphName);
    for (const t of spec.initializers) {
      g.message(5, (tensor) => {
        for (const d of t.dims) tensor.int(1, d);
        tensor.int(2, t.dataType);
        tensor.string(8, t.name);
        tensor.bytes(9, t.raw);
      });
    }
    for (const i of spec.inputs) g.message(11, (v) => writeValueInfo(v, i));
    for (const o of spec.outputs) g.message(12, (v) => writeValueInfo(v, o));
  });
  w.message(8, (op) => op.string(1, '').int(2, spec.opset ?? 13));
  for (const [key, value] of Object.entries(spec.metadata)) w.message(14, (e) => e.string(1, key).string(2, value));
  return w.finish();
}

/** Deterministic pseudo-random float tensor (xorshift), values in [-scale, scale]. */
export function randomFloatTensor(name: string, dims: number[], seed: number, scale = 0.5): TensorInit {
  const count = dims.reduce((a, b) => a * b, 1);
  const raw = Buffer.alloc(count * 4);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    raw.writeFloatLE(((s / 0xffffffff) * 2 - 1) * scale, i * 4);
  }
  return { name, dims, dataType: DataType.FLOAT, raw };
}

export function int64Tensor(name: string, values: number[]): TensorInit {
  const raw = Buffer.alloc(values.length * 8);
  values.forEach((v, i) => raw.writeBigInt64LE(BigInt(v), i * 8));
  return { name, dims: [values.length], dataType: DataType.INT64, raw };
}
