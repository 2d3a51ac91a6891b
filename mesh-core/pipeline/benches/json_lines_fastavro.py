# The Python baseline of the ingestion goal (at least 5x faster than this): json.loads, then the
# conversions fastavro needs, then its schemaless writer, on the same 1,000 lines as json_lines.rs.
# Run: python3 -m venv /tmp/fa && /tmp/fa/bin/pip install fastavro && /tmp/fa/bin/python benches/json_lines_fastavro.py
import io, json, time, datetime, decimal
import fastavro

SCHEMA = fastavro.parse_schema({"type": "record", "name": "Order", "namespace": "sales", "fields": [
    {"name": "order_id", "type": {"type": "string", "logicalType": "uuid"}},
    {"name": "customer_id", "type": "string"},
    {"name": "email", "type": "string"},
    {"name": "placed_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "PAID", "SHIPPED", "CANCELLED"]}},
    {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 2}},
    {"name": "currency", "type": "string"},
    {"name": "channel", "type": ["null", "string"], "default": None},
    {"name": "quantity", "type": "int"}]})
statuses = ["NEW", "PAID", "SHIPPED", "CANCELLED"]
lines = []
for i in range(1000):
    channel = "" if i % 5 == 0 else ',"channel":"web"'
    lines.append('{"order_id":"123e4567-e89b-12d3-a456-4266141%05d","customer_id":"cust-%06d","email":"jane.%d@example.com","placed_at":"2026-11-01T10:%02d:%02d.123Z","status":"%s","amount":"%d.%02d","currency":"EUR"%s,"quantity":%d}'
                 % (i, i, i, i // 60 % 60, i % 60, statuses[i % 4], i % 500, i % 100, channel, i % 7 + 1))

def run():
    out = io.BytesIO()
    for line in lines:
        r = json.loads(line)
        r["placed_at"] = datetime.datetime.fromisoformat(r["placed_at"].replace("Z", "+00:00"))
        r["amount"] = decimal.Decimal(r["amount"])
        r.setdefault("channel", None)
        fastavro.schemaless_writer(out, SCHEMA, r)
    return out.tell()

run()
times = []
for _ in range(30):
    t = time.perf_counter(); run(); times.append(time.perf_counter() - t)
times.sort()
print("fastavro: fastest %.3f ms, median %.3f ms per 1000 lines" % (times[0] * 1e3, times[len(times) // 2] * 1e3))
