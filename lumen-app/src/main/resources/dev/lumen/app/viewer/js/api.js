// Talking to lumen serve: JSON requests with the bearer token when the server has one, the
// compact binary forms the browser draws, and jobs followed over Server-Sent Events.

const TOKEN_KEY = 'lumen.token';

/** An answer other than 2xx, with the server's detail. */
export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

function headers(extra) {
  const token = localStorage.getItem(TOKEN_KEY);
  return token ? { ...extra, Authorization: 'Bearer ' + token } : extra;
}

async function request(method, path, body, accept) {
  for (let attempt = 0; ; attempt++) {
    const init = { method, headers: headers(accept ? { Accept: accept } : {}) };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const answer = await fetch(path, init);
    if (answer.status === 401 && attempt === 0) {
      const token = prompt('This Lumen server needs its token:');
      if (token) {
        localStorage.setItem(TOKEN_KEY, token);
        continue;
      }
    }
    if (!answer.ok) {
      let detail = answer.statusText;
      try {
        detail = (await answer.json()).detail;
      } catch (e) {
        // not JSON: keep the status text
      }
      throw new ApiError(answer.status, detail);
    }
    return answer;
  }
}

export async function getJson(path) {
  return (await request('GET', path)).json();
}

/** POSTs JSON; the answer's status (200, 201, 202) and body. */
export async function postJson(path, body) {
  const answer = await request('POST', path, body);
  return { status: answer.status, body: await answer.json() };
}

/** PUTs JSON; the answer's body. */
export async function putJson(path, body) {
  return (await request('PUT', path, body)).json();
}

/** DELETEs {@code path}; the answer's body. */
export async function deleteJson(path) {
  return (await request('DELETE', path)).json();
}

/** Asks job {@code id} to stop. */
export async function cancelJob(id) {
  await request('DELETE', `/api/jobs/${id}`);
}

/** Uploads a study file; the registered study. */
export async function uploadStudy(file) {
  const name = file.name.replace(/[^A-Za-z0-9._ -]+/g, '_').slice(0, 200) || 'upload';
  const answer = await fetch('/api/studies?name=' + encodeURIComponent(name), { method: 'POST',
    headers: headers({ 'Content-Type': 'application/octet-stream' }), body: file });
  if (!answer.ok) {
    throw new ApiError(answer.status, (await answer.json()).detail);
  }
  return answer.json();
}

export async function getBytes(path) {
  return (await request('GET', path)).arrayBuffer();
}

const ENDED = ['done', 'failed', 'cancelled', 'interrupted'];

/** Follows job {@code id} until it ends, calling onChange with every state it reports; returns the last. */
export async function followJob(id, onChange) {
  const answer = await request('GET', `/api/jobs/${id}/events`, undefined, 'text/event-stream');
  const reader = answer.body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  let last = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      break;
    }
    buffered += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const event = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const data = event.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5)).join('\n');
      if (data) {
        last = JSON.parse(data);
        onChange(last);
        if (ENDED.includes(last.state)) {
          reader.cancel();
          return last;
        }
      }
    }
  }
  return last ?? getJson(`/api/jobs/${id}`);
}

/**
 * The stored explanation of {@code request}, computing it first as a job when it is not
 * stored (onProgress hears the job; onJob, if given, is told its id, to cancel it).
 */
export async function explanation(request, onProgress, onJob) {
  let { status, body } = await postJson('/api/explanations', request);
  if (status === 202) {
    onJob?.(body.job.id);
    const job = await followJob(body.job.id, onProgress);
    if (job.state !== 'done') {
      throw new Error(job.error || 'the explanation job ended ' + job.state);
    }
    ({ body } = await postJson('/api/explanations', request));
  }
  return body.explanations[0];
}

/** A study's pixels.u8: slices, height, width, the value range, one byte per pixel. */
export async function studyPixels(studyId) {
  const buffer = await getBytes(`/api/studies/${studyId}/pixels.u8`);
  const view = new DataView(buffer);
  return {
    slices: view.getInt32(0), height: view.getInt32(4), width: view.getInt32(8),
    low: view.getFloat32(12), high: view.getFloat32(16), data: new Uint8Array(buffer, 20),
  };
}

/** An explanation's map.u8: slices, height, width, then the normalised map as a byte per pixel. */
export async function compactMap(path) {
  const buffer = await getBytes(path);
  const view = new DataView(buffer);
  return { slices: view.getInt32(0), height: view.getInt32(4), width: view.getInt32(8), data: new Uint8Array(buffer, 12) };
}

/** A uint8 (masks) or little-endian int32 (LIME's superpixels) .npy array: its shape and values. */
export async function npyArray(path) {
  const buffer = await getBytes(path);
  const headerLength = new DataView(buffer).getUint16(8, true);
  const header = new TextDecoder().decode(new Uint8Array(buffer, 10, headerLength));
  const shape = header.match(/'shape': \(([^)]*)\)/)[1].split(',').map((s) => s.trim()).filter((s) => s).map(Number);
  const body = buffer.slice(10 + headerLength);
  if (header.includes("'|u1'")) {
    return { shape, data: new Uint8Array(body) };
  }
  if (header.includes("'<i4'")) {
    return { shape, data: new Int32Array(body) };
  }
  throw new Error(path + ' is neither uint8 nor int32: ' + header);
}
