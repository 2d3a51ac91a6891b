//! A real Apache Spark standalone cluster for the tests and benchmarks: a master and a worker
//! process, started with pyspark's `spark-class` on loopback, stopped when dropped.

use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The running cluster.
pub struct SparkCluster {
    processes: Vec<Child>,
    /// `spark://127.0.0.1:<port>`, for `--master`.
    pub master_url: String,
    /// Seconds from the master's start until the worker registered.
    pub startup_seconds: f64,
}

impl Drop for SparkCluster {
    fn drop(&mut self) {
        for process in &mut self.processes {
            let _ = process.kill();
            let _ = process.wait();
        }
    }
}

impl SparkCluster {
    /// Starts a master and a worker (2 cores, 2 GiB) on loopback; their logs and the worker's
    /// folder go to `logs`.
    ///
    /// # Panics
    /// pyspark is missing, or a process exits or is not ready within two minutes (with its log).
    pub fn start(logs: &Path) -> Self {
        let started = Instant::now();
        let home = spark_home();
        let port = free_port().to_string();
        let master_url = format!("spark://127.0.0.1:{port}");
        // The guard exists before the first process, so a worker that fails to start still stops the master.
        let mut cluster = Self { processes: Vec::new(), master_url: master_url.clone(), startup_seconds: 0.0 };
        let master_ui = free_port().to_string();
        cluster.processes.push(spawn(
            &home,
            &logs.join("master.log"),
            "org.apache.spark.deploy.master.Master",
            &["--host", "127.0.0.1", "--port", &port, "--webui-port", &master_ui],
            "I have been elected leader",
        ));
        let worker_ui = free_port().to_string();
        let work_dir = logs.join("work");
        let work_dir = work_dir.to_str().expect("a UTF-8 temporary path");
        cluster.processes.push(spawn(
            &home,
            &logs.join("worker.log"),
            "org.apache.spark.deploy.worker.Worker",
            &[
                "--host",
                "127.0.0.1",
                "--webui-port",
                &worker_ui,
                "--cores",
                "2",
                "--memory",
                "2g",
                "--work-dir",
                work_dir,
                &master_url,
            ],
            "Successfully registered with master",
        ));
        cluster.startup_seconds = started.elapsed().as_secs_f64();
        cluster
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// pyspark's folder, which is a Spark home (`bin/spark-class`, `jars/`).
fn spark_home() -> PathBuf {
    let output = Command::new("python3")
        .args(["-c", "import os, pyspark; print(os.path.dirname(pyspark.__file__))"])
        .output()
        .expect("python3 is missing");
    assert!(output.status.success(), "pyspark is missing: `cargo xtask test` installs it");
    PathBuf::from(String::from_utf8(output.stdout).unwrap().trim())
}

/// Starts `spark-class <class> <args>` logging to `log`; waits until the log holds `ready`.
fn spawn(home: &Path, log: &Path, class: &str, args: &[&str], ready: &str) -> Child {
    let mut child = Command::new(home.join("bin/spark-class"))
        .arg(class)
        .args(args)
        .env("SPARK_HOME", home)
        .env("SPARK_LOCAL_IP", "127.0.0.1")
        .stdout(Stdio::null())
        .stderr(File::create(log).unwrap())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        if text.contains(ready) {
            return child;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{class} exited with {status}: {text}");
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{class} not ready in 120 s: {text}");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}
