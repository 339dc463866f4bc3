/*
 * The live timekeeper (templates/panels/panel_timekeeper.html): counts down through a panel's
 * running order, one segment at a time.
 *
 * Everything it needs is in the page: the plan and the wording that holds numbers come as
 * JSON (Django's json_script "timekeeper-plan" and "timekeeper-labels"), every other word is
 * in the markup. Once the page has loaded it needs no network. What the timekeeper records is
 * kept in localStorage under the panel's key, so that a reload resumes where it was.
 *
 * The record: {version, starts, ended}. starts[i] is when segment i began (milliseconds since
 * the epoch); the segment running is the last one started; ended is when the panel ended, or
 * null. "Back" forgets the last thing recorded.
 *
 * Ahead or behind plan: the earliest the running segment can end (now, or its start plus its
 * planned minutes, whichever is later) against its planned end. The plan is the planned clock
 * times, unless the panel was started far from its planned start (a rehearsal, or a session
 * moved on the day): then the plan is counted from the actual start.
 *
 * Plain JavaScript, no library. Times come from Date.now() on every tick, never from counting
 * ticks, so a throttled background tab or a sleeping phone shows the right time on return.
 */
(function () {
  "use strict";

  const STATE_VERSION = 1;
  // A start further than this from the planned start is measured against itself.
  const PLAN_WINDOW_MS = 60 * 60 * 1000;
  // A second "next" this soon after the last one is a double tap or a held key: ignored.
  const DOUBLE_TAP_MS = 1000;
  const TICK_MS = 250;
  const MINUS_SIGN = "\u2212";
  const RUNNING = ["running", "warning", "over"];

  const root = document.querySelector("[data-tk-root]");
  const planScript = document.getElementById("timekeeper-plan");
  const labelsScript = document.getElementById("timekeeper-labels");
  if (!root || !planScript || !labelsScript) {
    return;
  }
  const plan = JSON.parse(planScript.textContent);
  const labels = JSON.parse(labelsScript.textContent);
  const segments = plan.segments.map(function (segment) {
    return Object.assign({}, segment, {
      ms: segment.minutes * 60000,
      plannedStart: Date.parse(segment.start),
    });
  });
  if (segments.length === 0) {
    return;
  }
  const cueMs = plan.cueMinutes * 60000;
  const storageKey = "panels.timekeeper." + plan.panel;

  function part(name) {
    return root.querySelector('[data-tk="' + name + '"]');
  }

  /* Fill a "%(name)s" pattern from labels with values. */
  function format(pattern, values) {
    return pattern.replace(/%\((\w+)\)s/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  /* Whole seconds as "m:ss": 300 -> "5:00", 35 -> "0:35", 4500 -> "75:00". */
  function minutesSeconds(seconds) {
    const minutes = Math.floor(seconds / 60);
    const rest = seconds % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  let clockFormat = null;
  try {
    clockFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      timeZone: plan.zone,
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      numberingSystem: "latn",
    });
  } catch (error) {
    // A browser without this zone's rules: the one message that needs it says less.
    clockFormat = null;
  }

  /* Change text or visibility only when it differs, so that live regions speak only then. */
  function setText(element, text) {
    if (element && element.textContent !== text) {
      element.textContent = text;
    }
  }

  function setHidden(element, hidden) {
    if (element && element.hidden !== hidden) {
      element.hidden = hidden;
    }
  }

  // Storage: absent or refused (private browsing, disabled): keep the record in memory only.
  let storage = null;
  try {
    storage = window.localStorage;
    storage.getItem(storageKey);
  } catch (error) {
    storage = null;
  }

  function emptyRecord() {
    return { starts: [], ended: null };
  }

  // A recorded time is plausible within a week of now (a Date holds only about ±2.7e5 years).
  const PLAUSIBLE_MS = 7 * 24 * 3600 * 1000;

  function isTime(value) {
    return (
      typeof value === "number" &&
      Number.isFinite(value) &&
      Math.abs(value - Date.now()) <= PLAUSIBLE_MS
    );
  }

  function inOrder(times) {
    return times.every(function (time, index) {
      return index === 0 || times[index - 1] <= time;
    });
  }

  function load() {
    if (!storage) {
      return emptyRecord();
    }
    try {
      const saved = JSON.parse(storage.getItem(storageKey));
      if (
        saved &&
        saved.version === STATE_VERSION &&
        Array.isArray(saved.starts) &&
        saved.starts.every(isTime) &&
        inOrder(saved.starts) &&
        (saved.ended === null ||
          (isTime(saved.ended) &&
            saved.starts.length > 0 &&
            saved.ended >= saved.starts[saved.starts.length - 1]))
      ) {
        // The running order may have been shortened since: keep what still fits.
        return { starts: saved.starts.slice(0, segments.length), ended: saved.ended };
      }
    } catch (error) {
      // Unreadable: start afresh.
    }
    return emptyRecord();
  }

  function save() {
    if (!storage) {
      return;
    }
    try {
      if (record.starts.length === 0) {
        storage.removeItem(storageKey);
      } else {
        storage.setItem(
          storageKey,
          JSON.stringify({ version: STATE_VERSION, starts: record.starts, ended: record.ended }),
        );
      }
    } catch (error) {
      // Full or refused: the page goes on; a reload would lose the record.
    }
  }

  let record = load();
  let lastNext = -Infinity;

  /* Where the panel stands at ``now``: {state, index, remaining (ms), slip (ms) or null}. */
  function situation(now) {
    const started = record.starts.length > 0;
    const index = started ? record.starts.length - 1 : 0;
    const segment = segments[index];
    if (!started) {
      return { state: "ready", index: 0, remaining: segment.ms, slip: null, anchor: null };
    }
    const firstPlanned = segments[0].plannedStart;
    const anchor =
      Math.abs(record.starts[0] - firstPlanned) <= PLAN_WINDOW_MS
        ? firstPlanned
        : record.starts[0];
    let plannedEnd = anchor;
    for (let i = 0; i <= index; i += 1) {
      plannedEnd += segments[i].ms;
    }
    if (record.ended !== null) {
      return {
        state: "ended",
        index: index,
        remaining: 0,
        slip: record.ended - plannedEnd,
        anchor: anchor,
      };
    }
    const remaining = segment.ms - (now - record.starts[index]);
    let state = "running";
    if (remaining <= 0) {
      state = "over";
    } else if (remaining <= cueMs && segment.ms > cueMs) {
      state = "warning";
    }
    const earliestEnd = Math.max(now, record.starts[index] + segment.ms);
    return {
      state: state,
      index: index,
      remaining: remaining,
      slip: earliestEnd - plannedEnd,
      anchor: anchor,
    };
  }

  function clockText(remaining) {
    if (remaining > 0) {
      return minutesSeconds(Math.ceil(remaining / 1000));
    }
    const over = Math.floor(-remaining / 1000);
    return over === 0 ? minutesSeconds(0) : MINUS_SIGN + minutesSeconds(over);
  }

  /* Whole minutes ahead (< 0) or behind (> 0) plan: under half a minute either way is on
     plan; anything more counts as at least one minute. */
  function slipMinutes(slip) {
    if (slip === null || Math.abs(slip) < 30000) {
      return 0;
    }
    return Math.sign(slip) * Math.max(1, Math.round(Math.abs(slip) / 60000));
  }

  function slipText(minutes) {
    if (minutes === 0) {
      return labels.onPlan;
    }
    return format(minutes > 0 ? labels.behind : labels.ahead, { minutes: Math.abs(minutes) });
  }

  function showSpeaker(paragraph, nameElement, roleElement, segment) {
    const speaker = segment ? segment.speaker : "";
    setHidden(paragraph, !speaker);
    setText(nameElement, speaker);
    setText(roleElement, segment ? segment.role : "");
  }

  const primary = part("primary");
  const back = part("back");
  let lastShown = null;

  function render() {
    const now = Date.now();
    const at = situation(now);
    const segment = segments[at.index];
    const next = at.state === "ended" ? null : segments[at.index + 1] || null;
    const isLast = at.index === segments.length - 1;

    root.dataset.tkState = at.state;
    root.querySelectorAll("[data-tk-show]").forEach(function (element) {
      setHidden(element, element.dataset.tkShow.split(" ").indexOf(at.state) === -1);
    });

    setText(
      part("position"),
      format(labels.position, { number: at.index + 1, total: segments.length }),
    );
    setText(part("title"), segment.title);
    showSpeaker(part("speaker"), part("speaker-name"), part("speaker-role"), segment);
    setText(part("planned"), format(labels.planned, { time: segment.clock }));
    setText(part("clock"), clockText(at.remaining));
    if (at.state === "over") {
      const overrun = minutesSeconds(Math.floor(-at.remaining / 1000));
      setText(part("over"), format(labels.over, { overrun: overrun }));
    }
    const slip = slipMinutes(at.slip);
    setText(part("slip"), at.slip === null ? "" : slipText(slip));
    root.dataset.tkSlip = slip === 0 ? "on" : slip > 0 ? "behind" : "ahead";

    setHidden(part("next-title"), !next);
    setText(part("next-title"), next ? next.title : "");
    showSpeaker(part("next-speaker"), part("next-speaker-name"), part("next-speaker-role"), next);
    setHidden(part("next-minutes"), !next);
    setText(part("next-minutes"), next ? format(labels.planned, { time: next.clock }) : "");
    setHidden(part("next-none"), Boolean(next));

    const shifted = part("shifted");
    if (at.anchor !== null && at.anchor !== segments[0].plannedStart) {
      const started = clockFormat ? clockFormat.format(new Date(record.starts[0])) : "";
      setText(shifted, format(labels.shifted, { time: started, planned: plan.startClock }));
      setHidden(shifted, false);
    } else {
      setHidden(shifted, true);
    }

    root.querySelectorAll("[data-tk-index]").forEach(function (item) {
      const index = Number(item.dataset.tkIndex);
      const current = RUNNING.indexOf(at.state) !== -1 && index === at.index;
      if (current) {
        item.setAttribute("aria-current", "step");
      } else {
        item.removeAttribute("aria-current");
      }
      item.classList.toggle("is-done", at.state === "ended" || index < at.index);
    });

    let label = primary.dataset.labelNext;
    if (at.state === "ready") {
      label = primary.dataset.labelStart;
    } else if (isLast) {
      label = primary.dataset.labelEnd;
    }
    setText(primary, label);
    const primaryHadFocus = document.activeElement === primary;
    setHidden(primary, at.state === "ended");
    setHidden(back, at.state === "ready");
    if (primaryHadFocus && primary.hidden) {
      back.focus();
    }

    // Say the warning and the end of time once, when they happen (the region for the segment
    // itself speaks when it changes); a reload into either state says nothing.
    const shown = at.index + ":" + at.state;
    if (lastShown !== null && shown !== lastShown) {
      const announce = part("announce");
      if (at.state === "warning") {
        setText(announce, part("warning").textContent.trim());
      } else if (at.state === "over") {
        setText(announce, part("over").textContent);
      }
    }
    lastShown = shown;
    keepAwake(RUNNING.indexOf(at.state) !== -1);
  }

  // Keep a phone's screen on while the panel runs (Screen Wake Lock API, where offered).
  // A refusal (battery saver, a policy) is not retried until the page is shown again.
  let wakeLock = null;
  let wakeLockPending = false;
  let wakeLockRefused = false;
  function keepAwake(awake) {
    if (!("wakeLock" in navigator)) {
      return;
    }
    if (!awake) {
      if (wakeLock) {
        wakeLock.release().catch(function () {});
        wakeLock = null;
      }
      return;
    }
    if (wakeLock || wakeLockPending || wakeLockRefused || document.visibilityState !== "visible") {
      return;
    }
    wakeLockPending = true;
    navigator.wakeLock.request("screen").then(
      function (lock) {
        wakeLockPending = false;
        wakeLock = lock;
        lock.addEventListener("release", function () {
          if (wakeLock === lock) {
            wakeLock = null;
          }
        });
      },
      function () {
        wakeLockPending = false;
        wakeLockRefused = true;
      },
    );
  }

  const actions = {
    start: function () {
      if (record.starts.length === 0) {
        lastNext = Date.now();
        record.starts = [lastNext];
        return true;
      }
      return false;
    },
    next: function () {
      const now = Date.now();
      if (record.ended !== null || now - lastNext < DOUBLE_TAP_MS) {
        return false;
      }
      lastNext = now;
      if (record.starts.length === 0) {
        record.starts = [now];
      } else if (record.starts.length < segments.length) {
        record.starts.push(now);
      } else {
        record.ended = now;
      }
      return true;
    },
    back: function () {
      if (record.ended !== null) {
        record.ended = null;
      } else if (record.starts.length > 0) {
        record.starts.pop();
      } else {
        return false;
      }
      lastNext = -Infinity;
      return true;
    },
    reset: function () {
      if (record.starts.length === 0 || !window.confirm(labels.confirmReset)) {
        return false;
      }
      record = emptyRecord();
      lastNext = -Infinity;
      return true;
    },
  };

  function act(name) {
    if (actions[name]()) {
      save();
    }
    render();
  }

  primary.addEventListener("click", function () {
    act("next");
  });
  back.addEventListener("click", function () {
    act("back");
  });
  part("reset").addEventListener("click", function () {
    act("reset");
  });

  // Keys anywhere on the page, except where they already mean something: Space and Enter on
  // a button or a link press it; letters in a field are typing.
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    if (event.isComposing) {
      return;
    }
    const target = event.target instanceof Element ? event.target : null;
    const typing = target && target.closest("input, select, textarea, [contenteditable]");
    const pressable = target && target.closest("button, a[href], summary, input, select");
    let name = null;
    if (event.key === " " || event.key === "Enter") {
      name = pressable ? null : "next";
    } else if (!typing && (event.key === "s" || event.key === "S")) {
      name = "start";
    } else if (!typing && (event.key === "b" || event.key === "B")) {
      name = "back";
    }
    if (!name) {
      return;
    }
    event.preventDefault();
    if (!event.repeat) {
      act(name);
    }
  });

  // Another tab of the same browser timing the same panel.
  window.addEventListener("storage", function (event) {
    if (event.key === storageKey) {
      record = load();
      render();
    }
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      wakeLockRefused = false;
      render();
    }
  });

  setHidden(part("no-storage"), storage !== null);
  render();
  window.setInterval(render, TICK_MS);
})();
