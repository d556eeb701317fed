package dev.workspace.server.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts the cluster runs in Redis. Each runs atomically, which is what makes a stream's offsets follow
 * publish order and keeps a stream's history and its pub/sub traffic consistent.
 *
 * <p>A stream is two keys: a hash {@code meta} with {@code seq} (the last offset) and {@code epoch}, and a Redis
 * stream {@code log} with one entry {@code <offset>-0} per event, whose field {@code m} holds exactly the message
 * that was published for it (routing header line, newline, {@code event} frame). A missing {@code meta} means
 * Redis lost the stream (or never had it): it is created with a new epoch, and its offsets continue above the
 * last offset the caller knows of, so receivers that filter by offset never drop new events as old ones.
 *
 * <p>{@code meta} also records {@code start}, the offset the current epoch started after, and {@code rid}, the
 * replication id of the primary that wrote it. Every script is given
 * the replication id of the primary the node talks to (or {@code *}, in a Redis Cluster, to read the id of the
 * shard's primary it runs on); when they differ (a replica was promoted, or Redis restarted
 * from a data set that may be older than what was delivered), the stream starts a new epoch before anything else
 * happens to it, with offsets continuing above both its {@code seq} and the caller's last offset. An offset is so
 * never given to a second event within one epoch, whichever node publishes first after a failover.
 */
final class RedisScripts {
  /** A script and its SHA-1, for EVALSHA. */
  record Script(String name, String source, String sha) {
    static Script of(String name, String body) {
      String source = COMMON + body;
      try {
        byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
        return new Script(name, source, HexFormat.of().formatHex(digest));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static final String COMMON = """
      local function ensure(meta, log, candidate, floor, rid)
        if rid == '*' then
          rid = string.match(redis.call('INFO', 'replication'), 'master_replid:(%w+)') or ''
        end
        local cur = redis.call('HMGET', meta, 'epoch', 'rid', 'seq')
        local epoch = cur[1]
        if epoch then
          if rid == '' or cur[2] == rid then return epoch end
          if not cur[2] then
            redis.call('HSET', meta, 'rid', rid)
            return epoch
          end
          local seq = tonumber(cur[3]) or 0
          if floor > seq then seq = floor end
          redis.call('HSET', meta, 'epoch', candidate, 'seq', seq, 'rid', rid, 'start', seq)
          return candidate
        end
        local base = floor
        local last = redis.call('XREVRANGE', log, '+', '-', 'COUNT', 1)
        if #last > 0 then
          local id = tonumber(string.match(last[1][1], '^(%d+)'))
          if id > base then base = id end
        end
        if rid == '' then
          redis.call('HSET', meta, 'epoch', candidate, 'seq', base, 'start', base)
        else
          redis.call('HSET', meta, 'epoch', candidate, 'seq', base, 'rid', rid, 'start', base)
        end
        return candidate
      end
      local function first_offset(log)
        local head = redis.call('XRANGE', log, '-', '+', 'COUNT', 1)
        if #head > 0 then return tonumber(string.match(head[1][1], '^(%d+)')) end
        return 0
      end
      local function messages(entries, out)
        for i = 1, #entries do out[#out + 1] = entries[i][2][2] end
        return out
      end
      """;

  /**
   * Appends an event to a stream and publishes it once. KEYS: meta, log. ARGV: pub/sub channel, header prefix
   * (up to the epoch field), frame without offset (ending in {@code }}}), history bound, candidate epoch, floor,
   * replication id, publish command ({@code PUBLISH}, or {@code SPUBLISH} in a Redis Cluster).
   * The offset is spliced into the frame here, before its last two braces. Returns {offset, epoch}.
   */
  static final Script PUBLISH = Script.of("publish", """
      local epoch = ensure(KEYS[1], KEYS[2], ARGV[5], tonumber(ARGV[6]), ARGV[7])
      local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
      local frame = ARGV[3]
      local msg = ARGV[2] .. epoch .. '\\t' .. seq .. '\\n' .. string.sub(frame, 1, -3) .. ',"offset":' .. seq .. '}}'
      redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[4], seq .. '-0', 'm', msg)
      redis.call(ARGV[8], ARGV[1], msg)
      return {seq, epoch}
      """);

  /**
   * Reads a stream's position and, when a position is given, what was missed since. KEYS: meta, log. ARGV:
   * candidate epoch, floor, since offset (-1 for none), since epoch, replication id. Returns {seq, epoch, first offset, status,
   * messages...}, status 0 none asked, 1 recovered (messages follow), 2 not recoverable.
   */
  static final Script ATTACH = Script.of("attach", """
      local epoch = ensure(KEYS[1], KEYS[2], ARGV[1], tonumber(ARGV[2]), ARGV[5])
      local seq = tonumber(redis.call('HGET', KEYS[1], 'seq'))
      local first = first_offset(KEYS[2])
      local since = tonumber(ARGV[3])
      if since < 0 then return {seq, epoch, first, 0} end
      if epoch ~= ARGV[4] or since > seq or (since < seq and since + 1 < first) then
        return {seq, epoch, first, 2}
      end
      local out = {seq, epoch, first, 1}
      if since < seq then messages(redis.call('XRANGE', KEYS[2], since + 1, '+'), out) end
      return out
      """);

  /**
   * A node catching up on a stream after losing its pub/sub connection. KEYS: meta, log. ARGV: candidate epoch,
   * the last offset the node delivered, the epoch it knew, replication id. When the epoch changed the offset is raised to at least
   * the node's, as long as nothing was published in the new epoch. Returns {seq, epoch, first offset, status,
   * messages...}, status 1 same epoch (the messages after the node's offset follow), 0 epoch changed (the messages
   * after the node's offset in the old epoch, and every message of the new epoch, follow).
   */
  static final Script RESUME = Script.of("resume", """
      local floor = tonumber(ARGV[2])
      local epoch = ensure(KEYS[1], KEYS[2], ARGV[1], floor, ARGV[4])
      local seq = tonumber(redis.call('HGET', KEYS[1], 'seq'))
      local first = first_offset(KEYS[2])
      if epoch ~= ARGV[3] then
        local start = tonumber(redis.call('HGET', KEYS[1], 'start') or seq)
        if seq < floor and seq == start then
          redis.call('HSET', KEYS[1], 'seq', floor, 'start', floor)
          seq = floor
          start = floor
        end
        local out = {seq, epoch, first, 0}
        local from = math.min(floor, start)
        if from < seq then messages(redis.call('XRANGE', KEYS[2], from + 1, '+'), out) end
        return out
      end
      local out = {seq, epoch, first, 1}
      if floor < seq then messages(redis.call('XRANGE', KEYS[2], floor + 1, '+'), out) end
      return out
      """);

  /**
   * A page of history. KEYS: meta, log. ARGV: candidate epoch, mode ({@code after}, {@code before} or
   * {@code none}), low id, high id, limit, replication id. Returns {seq, epoch, first offset, 0, messages in offset order...}.
   */
  static final Script HISTORY = Script.of("history", """
      local epoch = ensure(KEYS[1], KEYS[2], ARGV[1], 0, ARGV[6])
      local seq = tonumber(redis.call('HGET', KEYS[1], 'seq'))
      local first = first_offset(KEYS[2])
      local out = {seq, epoch, first, 0}
      if ARGV[2] == 'after' then
        messages(redis.call('XRANGE', KEYS[2], ARGV[3], ARGV[4], 'COUNT', ARGV[5]), out)
      elseif ARGV[2] == 'before' then
        local entries = redis.call('XREVRANGE', KEYS[2], ARGV[4], '-', 'COUNT', ARGV[5])
        for i = #entries, 1, -1 do out[#out + 1] = entries[i][2][2] end
      end
      return out
      """);

  /**
   * Records an agent as connected through this node, returning the record it replaced (the caller tells that
   * record's node, if another, to close it). KEYS: agents, own node's agents in the workspace, departed marker,
   * inbox meta, inbox log. ARGV: agent id, record JSON, own entry, own node id, prefix of the nodes' agent sets.
   */
  static final Script REGISTER = Script.of("register", """
      local old = redis.call('HGET', KEYS[1], ARGV[1])
      if old then
        local rec = cjson.decode(old)
        redis.call('SREM', ARGV[5] .. rec.node_id, ARGV[1] .. '\\t' .. rec.session_id)
      end
      redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
      redis.call('SADD', KEYS[2], ARGV[3])
      redis.call('DEL', KEYS[3])
      redis.call('PERSIST', KEYS[4])
      redis.call('PERSIST', KEYS[5])
      return old
      """);

  /**
   * Removes an agent if its record is this session's, and keeps its inbox for the retention time. KEYS: agents,
   * departed marker, inbox meta, inbox log. ARGV: agent id, session id, prefix of the nodes' agent sets, retention
   * in ms. Returns 1 when removed.
   */
  static final Script UNREGISTER = Script.of("unregister", """
      local cur = redis.call('HGET', KEYS[1], ARGV[1])
      if not cur then return 0 end
      local rec = cjson.decode(cur)
      if rec.session_id ~= ARGV[2] then return 0 end
      redis.call('HDEL', KEYS[1], ARGV[1])
      redis.call('SREM', ARGV[3] .. rec.node_id, ARGV[1] .. '\\t' .. ARGV[2])
      local keep = tonumber(ARGV[4])
      if keep > 0 then
        redis.call('SET', KEYS[2], '1', 'PX', keep)
        redis.call('PEXPIRE', KEYS[3], keep)
        redis.call('PEXPIRE', KEYS[4], keep)
      else
        redis.call('DEL', KEYS[3], KEYS[4])
      end
      return 1
      """);

  /**
   * Replaces an agent's record if it is still this session's. KEYS: agents hash. ARGV: agent id, session id, new
   * record JSON. Returns 1 when replaced, 0 otherwise.
   */
  static final Script UPDATE_AGENT = Script.of("update_agent", """
      local cur = redis.call('HGET', KEYS[1], ARGV[1])
      if not cur then return 0 end
      local rec = cjson.decode(cur)
      if rec.session_id ~= ARGV[2] then return 0 end
      redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
      return 1
      """);

  private static final String PICK = """
      local function pick(prefix, now, from, n, turnKey, ttl)
        if n == 1 then return ARGV[from] end
        local least = nil
        local equals = {}
        for i = 0, n - 1 do
          local k = prefix .. ARGV[from + i]
          redis.call('ZREMRANGEBYSCORE', k, '-inf', now)
          local c = redis.call('ZCARD', k)
          if least == nil or c < least then
            least = c
            equals = {}
          end
          if c == least then equals[#equals + 1] = ARGV[from + i] end
        end
        local turn = redis.call('INCR', turnKey)
        redis.call('PEXPIRE', turnKey, ttl)
        return equals[(turn % #equals) + 1]
      end
      """;

  /**
   * Opens a run. KEYS: run hash, workspace open set, requester open set, pool turn counter, session index (keeps
   * the newest 100, {@code RunTracker.MAX_SESSION_RUNS}). ARGV: now, retention ms, max open, max open per requester, run id, requester, session id, pool, stream (0/1), target set prefix,
   * candidate count, candidates... Returns {'ok', target}, {'dup'}, {'ws'} or {'req'}.
   */
  static final Script RUN_OPEN = Script.of("run_open", PICK + """
      local now = tonumber(ARGV[1])
      local ttl = tonumber(ARGV[2])
      local cur = redis.call('HGET', KEYS[1], 'requester')
      if cur then
        if cur ~= ARGV[6] then return {'dup'} end
        return {'ok', redis.call('HGET', KEYS[1], 'target')}
      end
      redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
      if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[3]) then return {'ws'} end
      redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
      if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[4]) then return {'req'} end
      local chosen = pick(ARGV[10], now, 12, tonumber(ARGV[11]), KEYS[4], ttl)
      redis.call('HSET', KEYS[1], 'requester', ARGV[6], 'target', chosen, 'session_id', ARGV[7], 'pool', ARGV[8],
        'stream', ARGV[9], 'state', 'submitted', 'created', now, 'updated', now, 'seq', 0, 'bytes', 0)
      redis.call('PEXPIRE', KEYS[1], ttl)
      local exp = now + ttl
      redis.call('ZADD', KEYS[2], exp, ARGV[5])
      redis.call('PEXPIRE', KEYS[2], ttl)
      redis.call('ZADD', KEYS[3], exp, ARGV[5])
      redis.call('PEXPIRE', KEYS[3], ttl)
      local tk = ARGV[10] .. chosen
      redis.call('ZADD', tk, exp, ARGV[5] .. '\\t' .. ARGV[6])
      redis.call('PEXPIRE', tk, ttl)
      if ARGV[7] ~= '' then
        redis.call('ZADD', KEYS[5], now, ARGV[5])
        redis.call('ZREMRANGEBYRANK', KEYS[5], 0, -101)
        redis.call('PEXPIRE', KEYS[5], ttl)
      end
      return {'ok', chosen}
      """);

  /**
   * Picks a pool member without opening a run. KEYS: pool turn counter. ARGV: now, retention ms, target set prefix,
   * candidate count, candidates... Returns the chosen member.
   */
  static final Script RUN_PICK = Script.of("run_pick", PICK + """
      return pick(ARGV[3], tonumber(ARGV[1]), 5, tonumber(ARGV[4]), KEYS[1], tonumber(ARGV[2]))
      """);

  /**
   * Records that a run ended and forgets, hash, log and session entry, the runs that ended first beyond the bound
   * (an entry whose run expired and whose id now names an open run only leaves the set). Arguments: ended set, its
   * counter, run id, most ended runs kept, retention ms, workspace key prefix.
   */
  private static final String ENDED = """
      local function ended(zkey, ckey, id, max, ttl, prefix)
        local n = redis.call('INCR', ckey)
        redis.call('PEXPIRE', ckey, ttl)
        redis.call('ZADD', zkey, n, id)
        redis.call('PEXPIRE', zkey, ttl)
        local over = redis.call('ZCARD', zkey) - max
        if over > 0 then
          for _, old in ipairs(redis.call('ZRANGE', zkey, 0, over - 1)) do
            local k = prefix .. 'run:' .. old
            local r = redis.call('HMGET', k, 'state', 'session_id')
            local st = r[1]
            if st == 'completed' or st == 'failed' or st == 'canceled' or st == 'rejected' then
              if r[2] and r[2] ~= '' then redis.call('ZREM', prefix .. 'runs:session:' .. r[2], old) end
              redis.call('DEL', k, k .. ':log')
            end
          end
          redis.call('ZREMRANGEBYRANK', zkey, 0, over - 1)
        end
      end
      """;

  /**
   * Logs an answer of a run's target. KEYS: run hash, run log, workspace open set, requester open set, ended set,
   * its counter. ARGV: source, requester, kind ('p' progress, 'i' question, else the terminal state), event JSON,
   * its size, now, retention ms, max events, max bytes, run id, target set prefix, most ended runs kept, workspace
   * key prefix. Returns {seq, stream}, {-1} when the event answers no run of this target and requester, {-2, state}
   * when the run ended, {-3, events, bytes} when its log is full.
   */
  static final Script RUN_RECORD = Script.of("run_record", ENDED + """
      local r = redis.call('HMGET', KEYS[1], 'requester', 'target', 'state', 'seq', 'bytes', 'stream')
      if not r[1] or r[2] ~= ARGV[1] or r[1] ~= ARGV[2] then return {-1} end
      local st = r[3]
      if st == 'completed' or st == 'failed' or st == 'canceled' or st == 'rejected' then return {-2, st} end
      local seq = tonumber(r[4]) + 1
      local bytes = tonumber(r[5]) + tonumber(ARGV[5])
      local kind = ARGV[3]
      local terminal = kind ~= 'p' and kind ~= 'i'
      if not terminal and (seq > tonumber(ARGV[8]) or bytes > tonumber(ARGV[9])) then
        return {-3, tonumber(r[4]), tonumber(r[5])}
      end
      local state = kind
      if kind == 'p' then state = 'working' elseif kind == 'i' then state = 'input_required' end
      redis.call('RPUSH', KEYS[2], ARGV[4])
      redis.call('HSET', KEYS[1], 'seq', seq, 'bytes', bytes, 'state', state, 'updated', ARGV[6])
      local ttl = tonumber(ARGV[7])
      redis.call('PEXPIRE', KEYS[1], ttl)
      redis.call('PEXPIRE', KEYS[2], ttl)
      local tk = ARGV[11] .. ARGV[1]
      local member = ARGV[10] .. '\\t' .. ARGV[2]
      if terminal then
        redis.call('ZREM', KEYS[3], ARGV[10])
        redis.call('ZREM', KEYS[4], ARGV[10])
        redis.call('ZREM', tk, member)
        ended(KEYS[5], KEYS[6], ARGV[10], tonumber(ARGV[12]), ttl, ARGV[13])
      else
        local exp = tonumber(ARGV[6]) + ttl
        redis.call('ZADD', KEYS[3], 'XX', exp, ARGV[10])
        redis.call('ZADD', KEYS[4], 'XX', exp, ARGV[10])
        redis.call('ZADD', tk, 'XX', exp, member)
      end
      return {seq, tonumber(r[6])}
      """);

  /**
   * Ends, as failed, the open runs of a target that left. KEYS: the target's open set, workspace open set, ended
   * set, its counter. ARGV: now, retention ms, workspace key prefix ({@code ws:<workspace>:}), most ended runs kept,
   * then per run: run id, requester, event JSON. Returns the seq given to each run, 0 for a run that was no longer
   * open.
   */
  static final Script RUN_TARGET_LEFT = Script.of("run_target_left", ENDED + """
      local now = ARGV[1]
      local ttl = tonumber(ARGV[2])
      local out = {}
      for i = 5, #ARGV, 3 do
        local id = ARGV[i]
        local k = ARGV[3] .. 'run:' .. id
        local r = redis.call('HMGET', k, 'state', 'seq', 'bytes')
        local st = r[1]
        if st and st ~= 'completed' and st ~= 'failed' and st ~= 'canceled' and st ~= 'rejected' then
          local seq = tonumber(r[2]) + 1
          redis.call('RPUSH', k .. ':log', ARGV[i + 2])
          redis.call('HSET', k, 'state', 'failed', 'seq', seq, 'updated', now,
            'bytes', tonumber(r[3]) + string.len(ARGV[i + 2]))
          redis.call('PEXPIRE', k, ttl)
          redis.call('PEXPIRE', k .. ':log', ttl)
          redis.call('ZREM', KEYS[2], id)
          redis.call('ZREM', ARGV[3] .. 'runs:req:' .. ARGV[i + 1], id)
          ended(KEYS[3], KEYS[4], id, tonumber(ARGV[4]), ttl, ARGV[3])
          out[#out + 1] = seq
        else
          out[#out + 1] = 0
        end
        redis.call('ZREM', KEYS[1], id .. '\\t' .. ARGV[i + 1])
      end
      return out
      """);

  /**
   * After a reconnect, puts back an agent this node still serves. KEYS as {@link #REGISTER}. ARGV: agent id, record
   * JSON, own entry, session id. Returns 0 when the record was there, 1 when it had to be written again, 2 when
   * another session holds the agent.
   */
  static final Script REASSERT = Script.of("reassert", """
      local cur = redis.call('HGET', KEYS[1], ARGV[1])
      if cur then
        local rec = cjson.decode(cur)
        if rec.session_id ~= ARGV[4] then return 2 end
        redis.call('SADD', KEYS[2], ARGV[3])
        return 0
      end
      redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
      redis.call('SADD', KEYS[2], ARGV[3])
      redis.call('DEL', KEYS[3])
      redis.call('PERSIST', KEYS[4])
      redis.call('PERSIST', KEYS[5])
      return 1
      """);

  /** KEYS: channels, members, joined. ARGV: channel, agent id. Returns 1 when the agent was not yet a member. */
  static final Script ADD_MEMBER = Script.of("add_member", """
      redis.call('SADD', KEYS[1], ARGV[1])
      local added = redis.call('SADD', KEYS[2], ARGV[2])
      redis.call('SADD', KEYS[3], ARGV[1])
      return added
      """);

  /** KEYS: members, joined. ARGV: channel, agent id. Returns 1 when the agent was a member. */
  static final Script REMOVE_MEMBER = Script.of("remove_member", """
      local removed = redis.call('SREM', KEYS[1], ARGV[2])
      redis.call('SREM', KEYS[2], ARGV[1])
      return removed
      """);

  /** KEYS: channels, members. ARGV: channel, the always-present channel. Returns {0} or {1, members...}. */
  static final Script MEMBERS = Script.of("members", """
      if ARGV[1] ~= ARGV[2] and redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then return {0} end
      local out = {1}
      local m = redis.call('SMEMBERS', KEYS[2])
      for i = 1, #m do out[#out + 1] = m[i] end
      return out
      """);

  /** KEYS: channels. ARGV: members key prefix, the always-present channel. Returns {name, count, ...}. */
  static final Script CHANNELS = Script.of("channels", """
      local names = redis.call('SMEMBERS', KEYS[1])
      local out = {}
      local seen = false
      for i = 1, #names do
        if names[i] == ARGV[2] then seen = true end
        out[#out + 1] = names[i]
        out[#out + 1] = redis.call('SCARD', ARGV[1] .. names[i])
      end
      if not seen then
        out[#out + 1] = ARGV[2]
        out[#out + 1] = redis.call('SCARD', ARGV[1] .. ARGV[2])
      end
      return out
      """);

  private RedisScripts() {
  }
}
